// Errors grouped by fingerprint; expanding a group lists its newest instances with stack traces.
import { useState } from 'react';
import { api, type ErrorGroup } from '../../api/client';
import { useApi } from '../../app/useApi';
import { useTimeRange } from '../../app/timeRange';
import { ErrorDetail } from '../../components/ErrorDetail';
import { Pager } from '../../components/Pager';
import { TraceLink } from '../../components/links';
import { Async, Panel } from '../../components/Status';
import { formatAgo, formatCount, formatTimestamp } from '../../lib/format';
import { ServiceFilter } from '../shared/ServiceFilter';

const LIMIT = 50;

export function ErrorsPage() {
  const { range } = useTimeRange();
  const [service, setService] = useState('');
  const [offset, setOffset] = useState(0);
  const [open, setOpen] = useState<string>();
  const state = useApi(
    () => api.errors(range, { service: service || undefined, limit: LIMIT, offset }),
    [range.from, range.to, service, offset],
  );
  return (
    <div className="page">
      <h1>Errors</h1>
      <div className="filters">
        <ServiceFilter value={service} onChange={(s) => { setService(s); setOffset(0); }} />
      </div>
      <Panel title="Error groups" testId="errors-panel">
        <Async state={state} what="errors">
          {(page) => (
            <>
              <table className="data-table" data-testid="errors-table">
                <thead>
                  <tr>
                    <th>Error</th>
                    <th className="num">Count</th>
                    <th>First seen</th>
                    <th>Last seen</th>
                    <th>Services</th>
                    <th>Sample traces</th>
                  </tr>
                </thead>
                <tbody>
                  {page.items.length === 0 && (
                    <tr>
                      <td colSpan={6} className="empty-row">
                        No errors in this time range.
                      </td>
                    </tr>
                  )}
                  {page.items.map((g) => (
                    <GroupRows key={g.fingerprint} group={g} open={open === g.fingerprint} onToggle={() => setOpen(open === g.fingerprint ? undefined : g.fingerprint)} />
                  ))}
                </tbody>
              </table>
              <Pager offset={offset} limit={LIMIT} total={page.total} onChange={setOffset} />
            </>
          )}
        </Async>
      </Panel>
    </div>
  );
}

function GroupRows({ group, open, onToggle }: { group: ErrorGroup; open: boolean; onToggle: () => void }) {
  return (
    <>
      <tr className="clickable" onClick={onToggle} data-testid="error-group">
        <td>
          <span className="twisty">{open ? '▾' : '▸'}</span> <span className="error-type">{group.error_type}</span>{' '}
          <span className="error-message">{group.error_message}</span>
        </td>
        <td className="num">{formatCount(group.count)}</td>
        <td className="small" title={formatTimestamp(group.first_seen)}>{formatAgo(group.first_seen)}</td>
        <td className="small" title={formatTimestamp(group.last_seen)}>{formatAgo(group.last_seen)}</td>
        <td>{group.services.join(', ')}</td>
        <td onClick={(e) => e.stopPropagation()}>
          {group.sample_trace_ids.slice(0, 3).map((id) => (
            <span key={id} className="sample-link">
              <TraceLink id={id} />
            </span>
          ))}
        </td>
      </tr>
      {open && (
        <tr>
          <td colSpan={6}>
            <Instances fingerprint={group.fingerprint} />
          </td>
        </tr>
      )}
    </>
  );
}

function Instances({ fingerprint }: { fingerprint: string }) {
  const { range } = useTimeRange();
  const state = useApi(() => api.errorInstances(fingerprint, range, { limit: 10 }), [fingerprint, range.from, range.to]);
  return (
    <Async state={state} what="instances">
      {(page) => (
        <div className="instances">
          <div className="small muted">
            Newest {page.items.length} of {page.total} occurrences
          </div>
          {page.items.map((e, i) => (
            <ErrorDetail key={i} error={e} />
          ))}
        </div>
      )}
    </Async>
  );
}
