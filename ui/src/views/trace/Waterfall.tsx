// Span waterfall: one row per span in tree order, bars placed on the trace's time axis.
import type { SpanDetail } from '../../api/types';
import { formatMs } from '../../lib/format';
import { waterfallRows } from '../../lib/traceData';

export function Waterfall({ spans }: { spans: SpanDetail[] }) {
  const { rows, startMs, endMs } = waterfallRows(spans);
  const total = Math.max(endMs - startMs, 0.001);
  const ticks = [0, 0.25, 0.5, 0.75, 1];
  return (
    <div className="waterfall" data-testid="waterfall">
      <div className="wf-row wf-head">
        <div className="wf-label">Span</div>
        <div className="wf-track">
          {ticks.map((t) => (
            <span key={t} className="wf-tick" style={{ left: `${t * 100}%` }}>
              {formatMs(t * total)}
            </span>
          ))}
        </div>
      </div>
      {rows.map(({ span, depth, offsetMs }) => (
        <div key={span.span_id} className="wf-row" data-testid="wf-row">
          <div className="wf-label" style={{ paddingLeft: 6 + depth * 14 }} title={`${span.service} · ${span.name}`}>
            <span className="wf-service">{span.service}</span> {span.name}
          </div>
          <div className="wf-track">
            <div
              className={`wf-bar ${span.status === 'error' ? 'wf-error' : ''}`}
              style={{ left: `${(offsetMs / total) * 100}%`, width: `${Math.max(0.3, (span.duration_ms / total) * 100)}%` }}
            />
            <span className="wf-dur" style={{ left: `${Math.min(90, ((offsetMs + span.duration_ms) / total) * 100)}%` }}>
              {formatMs(span.duration_ms)}
            </span>
          </div>
        </div>
      ))}
    </div>
  );
}
