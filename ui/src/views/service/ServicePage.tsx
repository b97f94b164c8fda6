// One service: latency percentiles, throughput and errors over time, and its endpoints.
import { useParams } from 'react-router-dom';
import { api, type EndpointSummary } from '../../api/client';
import { useApi } from '../../app/useApi';
import { useTimeRange } from '../../app/timeRange';
import { ErrorsChart, LatencyChart, ThroughputChart } from '../../components/Charts';
import { DataTable, type Column } from '../../components/DataTable';
import { RangeLink } from '../../components/links';
import { requestIoColumns } from '../../components/requestIoColumns';
import { Async, Panel } from '../../components/Status';
import { formatCount, formatMs, formatPercent, formatRate } from '../../lib/format';

export function ServicePage() {
  const service = useParams().name ?? '';
  const { range, setCustomRange } = useTimeRange();
  const series = useApi(() => api.serviceTimeseries(service, range), [service, range.from, range.to]);
  const endpoints = useApi(() => api.endpoints(service, range, 'requests'), [service, range.from, range.to]);

  const columns: Column<EndpointSummary>[] = [
    {
      key: 'name',
      header: 'Endpoint',
      render: (r) => (
        <RangeLink to="/traces" query={{ service, name: r.name }}>
          {r.name}
        </RangeLink>
      ),
      sortValue: (r) => r.name,
    },
    { key: 'requests', header: 'Requests', align: 'right', render: (r) => formatCount(r.requests), sortValue: (r) => r.requests },
    { key: 'tput', header: 'Throughput', align: 'right', render: (r) => formatRate(r.throughput_per_min), sortValue: (r) => r.throughput_per_min },
    { key: 'errors', header: 'Errors', align: 'right', render: (r) => formatCount(r.errors), sortValue: (r) => r.errors },
    { key: 'rate', header: 'Error rate', align: 'right', render: (r) => formatPercent(r.error_rate), sortValue: (r) => r.error_rate },
    { key: 'p50', header: 'p50', align: 'right', render: (r) => formatMs(r.p50_ms), sortValue: (r) => r.p50_ms },
    { key: 'p95', header: 'p95', align: 'right', render: (r) => formatMs(r.p95_ms), sortValue: (r) => r.p95_ms },
    { key: 'p99', header: 'p99', align: 'right', render: (r) => formatMs(r.p99_ms), sortValue: (r) => r.p99_ms },
    ...requestIoColumns<EndpointSummary>(),
    {
      key: 'slow',
      header: '',
      render: (r) => (
        <RangeLink to="/traces" query={{ service, name: r.name, sort: 'duration' }} className="small">
          slowest
        </RangeLink>
      ),
    },
  ];

  return (
    <div className="page">
      <h1>
        <span className="muted">Service</span> {service}
      </h1>
      <Async state={series} what="time series">
        {(ts) => (
          <div className="chart-grid">
            <Panel
              title="Latency (p50 / p95 / p99)"
              testId="latency-chart"
              actions={<span className="small muted">drag to zoom</span>}
            >
              <LatencyChart
                points={ts.items}
                bucketMs={ts.interval * 1000}
                onZoom={(from, to) => setCustomRange({ from, to })}
              />
            </Panel>
            <Panel title="Throughput">
              <ThroughputChart points={ts.items} intervalSec={ts.interval} />
            </Panel>
            <Panel title="Errors">
              <ErrorsChart points={ts.items} />
            </Panel>
          </div>
        )}
      </Async>
      <Panel
        title="Endpoints"
        testId="endpoints-panel"
        actions={
          <RangeLink to="/traces" query={{ service }}>
            All traces of {service} ›
          </RangeLink>
        }
      >
        <Async state={endpoints} what="endpoints">
          {(page) => (
            <DataTable
              testId="endpoints-table"
              columns={columns}
              rows={page.items}
              rowKey={(r) => r.name}
              initialSort={{ key: 'requests', desc: true }}
            />
          )}
        </Async>
      </Panel>
    </div>
  );
}
