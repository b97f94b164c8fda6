// SQL grouped by normalised fingerprint, with the N+1 offenders listed first.
import { useState } from 'react';
import { api, type NPlusOne, type SqlGroup } from '../../api/client';
import { useApi } from '../../app/useApi';
import { useTimeRange } from '../../app/timeRange';
import { DataTable, type Column } from '../../components/DataTable';
import { Pager } from '../../components/Pager';
import { TraceLink } from '../../components/links';
import { Async, Panel } from '../../components/Status';
import { formatCount, formatMs } from '../../lib/format';
import { ServiceFilter } from '../shared/ServiceFilter';

const LIMIT = 50;
type SqlSort = 'total' | 'count' | 'avg' | 'p95';

const columns: Column<SqlGroup>[] = [
  {
    key: 'normalized',
    header: 'Statement',
    render: (r) => (
      <>
        {r.n_plus_one_traces > 0 && (
          <span className="badge badge-error" title={`N+1 in ${r.n_plus_one_traces} traces`}>
            N+1 ×{r.n_plus_one_traces}
          </span>
        )}{' '}
        <code className="sql" title={r.example}>
          {r.normalized}
        </code>
      </>
    ),
  },
  { key: 'db', header: 'DB', render: (r) => r.db_system ?? '—' },
  { key: 'count', header: 'Count', align: 'right', render: (r) => formatCount(r.count) },
  { key: 'total', header: 'Total', align: 'right', render: (r) => formatMs(r.total_ms) },
  { key: 'avg', header: 'Avg', align: 'right', render: (r) => formatMs(r.avg_ms) },
  { key: 'p95', header: 'p95', align: 'right', render: (r) => formatMs(r.p95_ms) },
  { key: 'services', header: 'Services', render: (r) => r.services.join(', ') },
];

const n1Columns: Column<NPlusOne>[] = [
  { key: 'trace', header: 'Trace', render: (r) => <TraceLink id={r.trace_id} /> },
  { key: 'stmt', header: 'Repeated statement', render: (r) => <code className="sql">{r.normalized}</code> },
  { key: 'count', header: 'Times', align: 'right', render: (r) => r.count, sortValue: (r) => r.count },
  { key: 'total', header: 'Total', align: 'right', render: (r) => formatMs(r.total_ms), sortValue: (r) => r.total_ms },
];

export function SqlPage() {
  const { range } = useTimeRange();
  const [service, setService] = useState('');
  const [sort, setSort] = useState<SqlSort>('total');
  const [offset, setOffset] = useState(0);
  const groups = useApi(
    () => api.sql(range, { service: service || undefined, sort, limit: LIMIT, offset }),
    [range.from, range.to, service, sort, offset],
  );
  const n1 = useApi(() => api.nPlusOne(range, { service: service || undefined }), [range.from, range.to, service]);

  return (
    <div className="page">
      <h1>SQL</h1>
      <div className="filters">
        <ServiceFilter value={service} onChange={(s) => { setService(s); setOffset(0); }} />
        <label>
          Sort by
          <select value={sort} onChange={(e) => { setSort(e.target.value as SqlSort); setOffset(0); }} aria-label="Sort SQL by">
            <option value="total">Total time</option>
            <option value="count">Count</option>
            <option value="avg">Average</option>
            <option value="p95">p95</option>
          </select>
        </label>
      </div>
      <Panel title="N+1 query patterns" testId="n1-panel">
        <Async state={n1} what="N+1 patterns">
          {(page) => (
            <DataTable
              testId="n1-table"
              columns={n1Columns}
              rows={page.items}
              rowKey={(r) => `${r.trace_id}/${r.fingerprint}`}
              empty={`No statement was repeated ${page.threshold} or more times within one request. 👍`}
            />
          )}
        </Async>
      </Panel>
      <Panel title="Statements by fingerprint" testId="sql-panel">
        <Async state={groups} what="SQL">
          {(page) => (
            <>
              <DataTable testId="sql-table" columns={columns} rows={page.items} rowKey={(r) => r.fingerprint} />
              <Pager offset={offset} limit={LIMIT} total={page.total} onChange={setOffset} />
            </>
          )}
        </Async>
      </Panel>
    </div>
  );
}
