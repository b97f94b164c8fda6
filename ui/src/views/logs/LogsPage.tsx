// Log search: service, minimum level, free text, trace id.
import { useState, type FormEvent } from 'react';
import { api, type LogQuery } from '../../api/client';
import { useApi } from '../../app/useApi';
import { useTimeRange } from '../../app/timeRange';
import { LogTable } from '../../components/LogTable';
import { Pager } from '../../components/Pager';
import { Async, Panel } from '../../components/Status';
import { ServiceFilter } from '../shared/ServiceFilter';

const LIMIT = 100;
const LEVELS = ['DEBUG', 'INFO', 'NOTICE', 'WARNING', 'ERROR', 'CRITICAL'];

export function LogsPage() {
  const { range } = useTimeRange();
  const [service, setService] = useState('');
  const [filters, setFilters] = useState<LogQuery>({});
  const [offset, setOffset] = useState(0);
  const state = useApi(
    () => api.logs(range, { ...filters, service: service || undefined, limit: LIMIT, offset }),
    [range.from, range.to, service, JSON.stringify(filters), offset],
  );
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setFilters({
      level: String(form.get('level') || '') || undefined,
      q: String(form.get('q') || '').trim() || undefined,
      trace_id: String(form.get('trace_id') || '').trim() || undefined,
    });
    setOffset(0);
  };
  return (
    <div className="page">
      <h1>Logs</h1>
      <form className="search-form" onSubmit={submit} aria-label="Log search">
        <ServiceFilter value={service} onChange={(s) => { setService(s); setOffset(0); }} />
        <label>
          Min level
          <select name="level" defaultValue="">
            <option value="">Any</option>
            {LEVELS.map((l) => (
              <option key={l} value={l}>
                {l}
              </option>
            ))}
          </select>
        </label>
        <label className="grow">
          Text
          <input name="q" placeholder="message contains…" />
        </label>
        <label>
          Trace id
          <input name="trace_id" placeholder="32 hex" />
        </label>
        <button type="submit" className="primary">
          Search
        </button>
      </form>
      <Panel testId="logs-panel">
        <Async state={state} what="logs">
          {(page) => (
            <>
              <LogTable logs={page.items} />
              <Pager offset={offset} limit={LIMIT} total={page.total} onChange={setOffset} />
            </>
          )}
        </Async>
      </Panel>
    </div>
  );
}
