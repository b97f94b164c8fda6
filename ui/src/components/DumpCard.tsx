// One opa_dump() value: where it was called, and the dumped data pretty-printed.
import { formatTimestamp } from '../lib/format';
import { TraceLink } from './links';

export interface DumpView {
  ts?: number | null;
  file?: string | null;
  line?: number | null;
  data?: string | null;
  text?: string | null;
  service?: string;
  trace_id?: string | null;
}

export function prettyDumpData(data: string | null | undefined): string {
  if (!data) return '';
  try {
    return JSON.stringify(JSON.parse(data), null, 2);
  } catch {
    return data;
  }
}

export function DumpCard({ dump, showTrace = true }: { dump: DumpView; showTrace?: boolean }) {
  return (
    <div className="dump-card" data-testid="dump-card">
      <div className="dump-head small">
        <span className="mono">
          {dump.file ?? '?'}
          {dump.line ? `:${dump.line}` : ''}
        </span>
        {dump.service && <span className="muted">{dump.service}</span>}
        {dump.ts ? <span className="muted mono">{formatTimestamp(dump.ts)}</span> : null}
        {showTrace && dump.trace_id && <TraceLink id={dump.trace_id} />}
      </div>
      {dump.text && <pre className="dump-text">{dump.text}</pre>}
      {dump.data && <pre className="dump-data">{prettyDumpData(dump.data)}</pre>}
    </div>
  );
}
