// Span waterfall on the trace's time axis; each span is followed by its timed SQL, HTTP, cache and file calls.
import { useState, type CSSProperties } from 'react';
import type { SpanDetail } from '../../api/types';
import { formatMs } from '../../lib/format';
import { waterfallRows, type WaterfallKind, type WaterfallRow } from '../../lib/traceData';

const KIND_LABEL: Record<WaterfallKind, string> = { span: '', sql: 'SQL', http: 'HTTP', cache: 'cache', file: 'file' };
const TICKS = [0, 0.25, 0.5, 0.75, 1];

export function Waterfall({ spans }: { spans: SpanDetail[] }) {
  const [withRecords, setWithRecords] = useState(true);
  const { rows, startMs, endMs, hiddenRecords } = waterfallRows(spans, withRecords);
  const total = Math.max(endMs - startMs, 0.001);
  return (
    <div className="waterfall" data-testid="waterfall">
      <div className="toolbar">
        <label className="check small">
          <input type="checkbox" checked={withRecords} onChange={(e) => setWithRecords(e.target.checked)} /> show SQL,
          HTTP, cache and file calls
        </label>
        {hiddenRecords > 0 && <span className="small muted">{hiddenRecords} more calls are listed in their tabs</span>}
      </div>
      <div className="wf-row wf-head">
        <div className="wf-label">Span</div>
        <div className="wf-track">
          {TICKS.map((t) => (
            <span key={t} className="wf-tick" style={{ left: `${t * 100}%` }}>
              {formatMs(t * total)}
            </span>
          ))}
        </div>
      </div>
      {rows.map((row) => (
        <Row key={row.key} row={row} total={total} />
      ))}
    </div>
  );
}

function Row({ row, total }: { row: WaterfallRow; total: number }) {
  const label = labelPlacement(row.offsetMs / total, row.durationMs / total);
  return (
    <div className={`wf-row wf-${row.kind}`} data-testid={row.kind === 'span' ? 'wf-row' : 'wf-record'}>
      <div className="wf-label" style={{ paddingLeft: 6 + row.depth * 14 }} title={`${row.service} · ${row.label}`}>
        {row.kind === 'span' ? (
          <span className="wf-service">{row.service}</span>
        ) : (
          <span className={`wf-kind wf-kind-${row.kind}`}>{KIND_LABEL[row.kind]}</span>
        )}{' '}
        <span className={row.kind === 'span' ? undefined : 'mono small'}>{row.label}</span>
      </div>
      <div className="wf-track">
        <div
          className={`wf-bar wf-bar-${row.kind} ${row.error ? 'wf-error' : ''}`}
          style={{ left: `${(row.offsetMs / total) * 100}%`, width: `${Math.max(0.2, (row.durationMs / total) * 100)}%` }}
        />
        <span className={`wf-dur ${label.inside ? 'wf-dur-inside' : ''}`} style={label.style}>
          {formatMs(row.durationMs)} {row.detail && <span className="wf-detail">{row.detail}</span>}
        </span>
      </div>
    </div>
  );
}

/** Duration label after the bar; before it when the bar ends near the right edge; inside when neither fits. */
export function labelPlacement(start: number, width: number): { style: CSSProperties; inside: boolean } {
  const end = start + width;
  if (end <= 0.8) return { style: { left: `${end * 100}%` }, inside: false };
  if (start >= 0.2) return { style: { right: `${(1 - start) * 100}%`, marginRight: 4 }, inside: false };
  return { style: { right: `${(1 - end) * 100}%`, marginRight: 4 }, inside: true };
}
