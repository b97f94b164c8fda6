// Overview: every service with RED figures and a throughput sparkline; getting-started on an empty store.
import { useEffect } from 'react';
import { api, type ServiceSummary, type Timeseries } from '../../api/client';
import { useApi } from '../../app/useApi';
import { useTimeRange } from '../../app/timeRange';
import { DataTable, type Column } from '../../components/DataTable';
import { Async, Panel } from '../../components/Status';
import { Sparkline } from '../../components/Sparkline';
import { ServiceLink } from '../../components/links';
import { requestIoColumns } from '../../components/requestIoColumns';
import { formatCount, formatMs, formatPercent, formatRate } from '../../lib/format';
import { AgentPanel } from './AgentPanel';
import { GettingStarted } from './GettingStarted';

interface Row extends ServiceSummary {
  series?: Timeseries;
}

async function loadOverview(range: { from: number; to: number }) {
  const [services, stats] = await Promise.all([api.services(range), api.stats()]);
  const series = await Promise.all(
    services.items.map((s) => api.serviceTimeseries(s.service, range).catch(() => undefined)),
  );
  const rows: Row[] = services.items.map((s, i) => ({ ...s, series: series[i] }));
  return { rows, stats };
}

const columns: Column<Row>[] = [
  { key: 'service', header: 'Service', render: (r) => <ServiceLink name={r.service} />, sortValue: (r) => r.service },
  { key: 'requests', header: 'Requests', align: 'right', render: (r) => formatCount(r.requests), sortValue: (r) => r.requests },
  { key: 'tput', header: 'Throughput', align: 'right', render: (r) => formatRate(r.throughput_per_min), sortValue: (r) => r.throughput_per_min },
  {
    key: 'trend',
    header: 'Requests trend',
    render: (r) => <Sparkline values={r.series?.items.map((p) => p.requests) ?? []} />,
  },
  { key: 'errors', header: 'Errors', align: 'right', render: (r) => formatCount(r.errors), sortValue: (r) => r.errors },
  {
    key: 'error_rate',
    header: 'Error rate',
    align: 'right',
    render: (r) => <span className={r.error_rate > 0.05 ? 'text-bad' : undefined}>{formatPercent(r.error_rate)}</span>,
    sortValue: (r) => r.error_rate,
  },
  { key: 'p50', header: 'p50', align: 'right', render: (r) => formatMs(r.p50_ms), sortValue: (r) => r.p50_ms },
  { key: 'p95', header: 'p95', align: 'right', render: (r) => formatMs(r.p95_ms), sortValue: (r) => r.p95_ms },
  { key: 'p99', header: 'p99', align: 'right', render: (r) => formatMs(r.p99_ms), sortValue: (r) => r.p99_ms },
  ...requestIoColumns<Row>(),
  {
    key: 'p95trend',
    header: 'p95 trend',
    render: (r) => <Sparkline color="#d9822b" values={r.series?.items.map((p) => p.p95_ms) ?? []} />,
  },
];

const EMPTY_POLL_MS = 5000;

export function OverviewPage() {
  const { range, refresh } = useTimeRange();
  const state = useApi(() => loadOverview(range), [range.from, range.to]);
  const empty = state.data !== undefined && state.data.rows.length === 0 && state.data.stats.spans_stored === 0;
  // While the store is empty, look again every few seconds so the first trace shows up by itself.
  useEffect(() => {
    if (!empty) return;
    const timer = setInterval(refresh, EMPTY_POLL_MS);
    return () => clearInterval(timer);
  }, [empty, refresh]);
  return (
    <div className="page">
      <h1>Overview</h1>
      <Async state={state} what="services">
        {({ rows, stats }) =>
          empty ? (
            <GettingStarted />
          ) : (
            <>
              <Panel title="Services" testId="services-panel">
                <DataTable
                  testId="services-table"
                  columns={columns}
                  rows={rows}
                  rowKey={(r) => r.service}
                  initialSort={{ key: 'service', desc: false }}
                  empty="No requests in this time range — widen the range above."
                />
              </Panel>
              <AgentPanel stats={stats} />
            </>
          )
        }
      </Async>
    </div>
  );
}
