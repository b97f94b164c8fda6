// Outgoing HTTP calls grouped by host and path template.
import { useState } from 'react';
import { api, type HttpGroup } from '../../api/client';
import { useApi } from '../../app/useApi';
import { useTimeRange } from '../../app/timeRange';
import { DataTable, type Column } from '../../components/DataTable';
import { Pager } from '../../components/Pager';
import { RangeLink } from '../../components/links';
import { Async, Panel } from '../../components/Status';
import { formatCount, formatMs, formatPercent } from '../../lib/format';
import { ServiceFilter } from '../shared/ServiceFilter';

const LIMIT = 50;

const columns: Column<HttpGroup>[] = [
  { key: 'method', header: 'Method', render: (r) => r.method ?? '—', sortValue: (r) => r.method ?? '' },
  { key: 'host', header: 'Host', render: (r) => <span className="mono">{r.host}</span>, sortValue: (r) => r.host },
  { key: 'path', header: 'Path', render: (r) => <span className="mono">{r.path_template}</span>, sortValue: (r) => r.path_template },
  { key: 'count', header: 'Calls', align: 'right', render: (r) => formatCount(r.count), sortValue: (r) => r.count },
  {
    key: 'errors',
    header: 'Errors',
    align: 'right',
    render: (r) => <span className={r.errors ? 'text-bad' : undefined}>{formatCount(r.errors)} ({formatPercent(r.count ? r.errors / r.count : 0)})</span>,
    sortValue: (r) => r.errors,
  },
  { key: 'avg', header: 'Avg', align: 'right', render: (r) => formatMs(r.avg_ms), sortValue: (r) => r.avg_ms },
  { key: 'p95', header: 'p95', align: 'right', render: (r) => formatMs(r.p95_ms), sortValue: (r) => r.p95_ms },
  { key: 'total', header: 'Total', align: 'right', render: (r) => formatMs(r.total_ms), sortValue: (r) => r.total_ms },
  {
    key: 'traces',
    header: '',
    render: (r) => (
      <RangeLink to="/traces" query={{ q: r.host, sort: 'duration' }} className="small">
        traces
      </RangeLink>
    ),
  },
];

export function HttpPage() {
  const { range } = useTimeRange();
  const [service, setService] = useState('');
  const [offset, setOffset] = useState(0);
  const state = useApi(
    () => api.http(range, { service: service || undefined, limit: LIMIT, offset }),
    [range.from, range.to, service, offset],
  );
  return (
    <div className="page">
      <h1>Outgoing HTTP</h1>
      <div className="filters">
        <ServiceFilter value={service} onChange={(s) => { setService(s); setOffset(0); }} />
      </div>
      <Panel title="Calls by host and path" testId="http-panel">
        <Async state={state} what="HTTP calls">
          {(page) => (
            <>
              <DataTable testId="http-table" columns={columns} rows={page.items} rowKey={(r) => `${r.method} ${r.host}${r.path_template}`} />
              <Pager offset={offset} limit={LIMIT} total={page.total} onChange={setOffset} />
            </>
          )}
        </Async>
      </Panel>
    </div>
  );
}
