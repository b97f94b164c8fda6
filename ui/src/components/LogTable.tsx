import type { LogEntry } from '../api/types';
import { formatTimestamp } from '../lib/format';
import { TraceLink } from './links';
import { LevelBadge } from './Status';

export function LogTable({ logs, showTrace = true }: { logs: LogEntry[]; showTrace?: boolean }) {
  if (logs.length === 0) return <div className="empty-state">No log lines.</div>;
  return (
    <table className="data-table logs" data-testid="logs-table">
      <thead>
        <tr>
          <th style={{ width: 170 }}>Time</th>
          <th style={{ width: 80 }}>Level</th>
          <th style={{ width: 120 }}>Service</th>
          <th>Message</th>
          {showTrace && <th style={{ width: 120 }}>Trace</th>}
        </tr>
      </thead>
      <tbody>
        {logs.map((log, i) => (
          <tr key={`${log.ts}-${i}`}>
            <td className="mono small">{formatTimestamp(log.ts)}</td>
            <td>
              <LevelBadge level={log.level} />
            </td>
            <td>{log.service}</td>
            <td>
              <span className="log-message">{log.message}</span>
              {log.fields && Object.keys(log.fields).length > 0 && (
                <span className="mono small muted"> {JSON.stringify(log.fields)}</span>
              )}
            </td>
            {showTrace && <td>{log.trace_id ? <TraceLink id={log.trace_id} /> : '—'}</td>}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
