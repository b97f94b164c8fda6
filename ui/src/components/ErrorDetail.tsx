import type { ErrorEvent } from '../api/types';
import { formatTimestamp } from '../lib/format';
import { TraceLink } from './links';

export function ErrorDetail({ error, showTrace = true }: { error: ErrorEvent; showTrace?: boolean }) {
  return (
    <div className="error-detail" data-testid="error-detail">
      <div className="error-title">
        <span className="error-type">{error.error_type}</span>: {error.error_message}
      </div>
      <div className="small muted">
        {error.file}
        {error.line ? `:${error.line}` : ''} · {error.service} · {formatTimestamp(error.occurred_at)}
        {error.environment ? ` · ${error.environment}` : ''}
        {error.release ? ` · release ${error.release}` : ''}
        {showTrace && error.trace_id && (
          <>
            {' · '}
            <TraceLink id={error.trace_id} />
          </>
        )}
      </div>
      {error.stack_trace && error.stack_trace.length > 0 && (
        <ol className="stack-trace mono small">
          {error.stack_trace.map((f, i) => (
            <li key={i}>
              {f.class ? `${f.class}::` : ''}
              {f.function ?? '{main}'} <span className="muted">{f.file ? `${f.file}:${f.line ?? '?'}` : ''}</span>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
