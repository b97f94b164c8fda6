// Trace search: filters in the URL, one row per trace, pick two to compare.
import { useState, type FormEvent } from 'react';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { api, type TraceSummary } from '../../api/client';
import { useApi } from '../../app/useApi';
import { useTimeRange } from '../../app/timeRange';
import { DataTable, type Column } from '../../components/DataTable';
import { Pager } from '../../components/Pager';
import { ServiceLink, TraceLink } from '../../components/links';
import { Async, Panel, StatusBadge } from '../../components/Status';
import { formatMs, formatTimestamp } from '../../lib/format';
import { paramsFromForm, queryFromParams, PAGE_SIZE } from './searchParams';

export function TracesPage() {
  const [params, setParams] = useSearchParams();
  const { range } = useTimeRange();
  const query = queryFromParams(params);
  const key = params.toString();
  const results = useApi(() => api.traces(range, query), [key, range.from, range.to]);
  const services = useApi(() => api.services(range), [range.from, range.to]);
  // Endpoint names match exactly: offer the selected service's endpoints as suggestions.
  const endpoints = useApi(
    () => (query.service ? api.endpoints(query.service, range, 'name') : Promise.resolve({ items: [], total: 0 })),
    [query.service, range.from, range.to],
  );
  const [selected, setSelected] = useState<string[]>([]);
  const navigate = useNavigate();

  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = Object.fromEntries(new FormData(e.currentTarget).entries()) as Record<string, string>;
    setParams(paramsFromForm(params, form));
  };
  const toggle = (id: string) =>
    setSelected((s) => (s.includes(id) ? s.filter((x) => x !== id) : [...s.slice(-1), id]));

  const columns: Column<TraceSummary>[] = [
    {
      key: 'pick',
      header: '',
      width: '24px',
      render: (r) => (
        <input
          type="checkbox"
          aria-label={`select ${r.trace_id} for compare`}
          checked={selected.includes(r.trace_id)}
          onChange={() => toggle(r.trace_id)}
        />
      ),
    },
    { key: 'start', header: 'Start', render: (r) => <span className="mono small">{formatTimestamp(r.start_ts)}</span> },
    { key: 'service', header: 'Service', render: (r) => <ServiceLink name={r.service} /> },
    { key: 'name', header: 'Endpoint', render: (r) => <TraceLink id={r.trace_id}>{r.name}</TraceLink> },
    { key: 'status', header: 'Status', render: (r) => <StatusBadge status={r.status} code={r.http_status} /> },
    {
      key: 'duration',
      header: 'Duration',
      align: 'right',
      render: (r) => <DurationBar ms={r.duration_ms} max={maxDuration(results.data?.items)} />,
    },
    { key: 'cpu', header: 'CPU', align: 'right', render: (r) => formatMs(r.cpu_ms) },
    { key: 'sql', header: 'SQL', align: 'right', render: (r) => r.sql_count },
    { key: 'http', header: 'HTTP', align: 'right', render: (r) => r.http_count },
    { key: 'spans', header: 'Spans', align: 'right', render: (r) => r.span_count },
    { key: 'id', header: 'Trace', render: (r) => <TraceLink id={r.trace_id} /> },
  ];

  return (
    <div className="page">
      <h1>Traces</h1>
      <form className="search-form" onSubmit={onSubmit} key={key} aria-label="Trace search">
        <label>
          Service
          <select name="service" defaultValue={query.service ?? ''}>
            <option value="">All</option>
            {services.data?.items.map((s) => (
              <option key={s.service} value={s.service}>
                {s.service}
              </option>
            ))}
            {query.service && !services.data?.items.some((s) => s.service === query.service) && (
              <option value={query.service}>{query.service}</option>
            )}
          </select>
        </label>
        <label>
          Endpoint
          <input name="name" defaultValue={query.name ?? ''} placeholder="GET /products/{id}" list="endpoint-names" />
          <datalist id="endpoint-names">
            {endpoints.data?.items.map((e) => <option key={e.name} value={e.name} />)}
          </datalist>
        </label>
        <label>
          Status
          <select name="status" defaultValue={query.status ?? ''}>
            <option value="">Any</option>
            <option value="ok">ok</option>
            <option value="error">error</option>
          </select>
        </label>
        <label>
          Min ms
          <input name="min_ms" type="number" min={0} defaultValue={query.min_ms ?? ''} className="narrow" />
        </label>
        <label>
          Max ms
          <input name="max_ms" type="number" min={0} defaultValue={query.max_ms ?? ''} className="narrow" />
        </label>
        <label>
          Tags
          <input name="tag" defaultValue={query.tag?.join(' ') ?? ''} placeholder="key:value" />
        </label>
        <label className="grow">
          Text
          <input name="q" defaultValue={query.q ?? ''} placeholder="URL, SQL, error message…" />
        </label>
        <label>
          Sort
          <select name="sort" defaultValue={query.sort}>
            <option value="time">Newest</option>
            <option value="duration">Slowest</option>
          </select>
        </label>
        <button type="submit" className="primary">
          Search
        </button>
      </form>
      <Panel
        title={results.data ? `${results.data.total} traces` : 'Traces'}
        actions={
          <button
            className="primary"
            disabled={selected.length !== 2}
            onClick={() => navigate(compareUrl(selected, results.data?.items ?? []))}
            title="Select two traces with the checkboxes"
          >
            Compare selected ({selected.length}/2)
          </button>
        }
      >
        <Async state={results} what="traces">
          {(page) => (
            <>
              <DataTable
                testId="traces-table"
                columns={columns}
                rows={page.items}
                rowKey={(r) => `${r.trace_id}:${r.span_id}`}
                rowClassName={(r) => (r.status === 'error' ? 'row-error' : undefined)}
                empty="No trace matches these filters in this time range."
              />
              <Pager
                offset={query.offset ?? 0}
                limit={PAGE_SIZE}
                total={page.total}
                onChange={(offset) => {
                  const next = new URLSearchParams(params);
                  next.set('offset', String(offset));
                  setParams(next);
                }}
              />
            </>
          )}
        </Async>
      </Panel>
    </div>
  );
}

/** The older trace is the baseline (A), the newer one is compared against it (B). */
export function compareUrl(ids: string[], rows: TraceSummary[]): string {
  const start = (id: string) => rows.find((r) => r.trace_id === id)?.start_ts ?? 0;
  const [a, b] = [...ids].sort((x, y) => start(x) - start(y));
  return `/compare?a=${a}&b=${b}`;
}

function maxDuration(items: TraceSummary[] | undefined): number {
  return items?.reduce((m, t) => Math.max(m, t.duration_ms), 0) ?? 0;
}

function DurationBar({ ms, max }: { ms: number; max: number }) {
  return (
    <div className="duration-cell">
      <div className="duration-bar" style={{ width: `${max > 0 ? Math.max(2, (ms / max) * 100) : 0}%` }} />
      <span>{formatMs(ms)}</span>
    </div>
  );
}
