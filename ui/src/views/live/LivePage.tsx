// Live tail of new traces, errors, logs and dumps over Server-Sent Events.
import { useEffect, useRef, useState } from 'react';
import { api, type LiveType } from '../../api/client';
import { DumpCard } from '../../components/DumpCard';
import { ServiceLink, TraceLink } from '../../components/links';
import { LevelBadge, Panel, StatusBadge } from '../../components/Status';
import { formatMs, formatTimestamp } from '../../lib/format';
import { emptyLiveBuffer, pushLive, type LiveBuffer, type LiveItem } from '../../lib/liveBuffer';

const TYPES: LiveType[] = ['trace', 'error', 'log', 'dump'];
const CAPACITY = 300;

export function LivePage() {
  const [enabled, setEnabled] = useState<LiveType[]>(TYPES);
  const [paused, setPaused] = useState(false);
  const [status, setStatus] = useState<'connecting' | 'open' | 'error'>('connecting');
  const [buffer, setBuffer] = useState<LiveBuffer>(emptyLiveBuffer);
  const pausedRef = useRef(paused);
  pausedRef.current = paused;

  useEffect(() => {
    if (enabled.length === 0) return;
    setStatus('connecting');
    return api.live(
      enabled,
      (event) => {
        if (!pausedRef.current) setBuffer((b) => pushLive(b, event, CAPACITY));
      },
      () => setStatus('error'),
      () => setStatus('open'),
    );
  }, [enabled]);

  const toggle = (type: LiveType) =>
    setEnabled((list) => (list.includes(type) ? list.filter((t) => t !== type) : [...list, type]));

  return (
    <div className="page">
      <h1>Live</h1>
      <div className="filters">
        {TYPES.map((t) => (
          <label key={t} className="check">
            <input type="checkbox" checked={enabled.includes(t)} onChange={() => toggle(t)} /> {t}s
          </label>
        ))}
        <button onClick={() => setPaused((p) => !p)}>{paused ? 'Resume' : 'Pause'}</button>
        <button onClick={() => setBuffer(emptyLiveBuffer)}>Clear</button>
        <span className={`live-status live-${status}`} data-testid="live-status">
          {status === 'error' ? 'disconnected, reconnecting…' : status === 'open' ? 'connected' : 'connecting…'}
        </span>
      </div>
      <Panel title={`${buffer.items.length} events`} testId="live-panel">
        {buffer.items.length === 0 ? (
          <div className="empty-state">Waiting for new traces, errors, logs and dumps… they appear here as the agent stores them.</div>
        ) : (
          <div className="live-list">
            {buffer.items.map((item) => (
              <LiveRow key={item.seq} item={item} />
            ))}
          </div>
        )}
      </Panel>
    </div>
  );
}

function LiveRow({ item }: { item: LiveItem }) {
  const { event } = item;
  return (
    <div className={`live-row live-${event.type}`} data-testid={`live-${event.type}`}>
      <span className="live-kind">{event.type}</span>
      <span className="mono small muted">{formatTimestamp(item.receivedAt)}</span>
      <div className="live-body">
        {event.type === 'trace' && (
          <>
            <ServiceLink name={event.data.service} /> <TraceLink id={event.data.trace_id}>{event.data.name}</TraceLink>{' '}
            <StatusBadge status={event.data.status} code={event.data.http_status} /> {formatMs(event.data.duration_ms)}
          </>
        )}
        {event.type === 'error' && (
          <>
            <span className="error-type">{event.data.error_type}</span>: {event.data.error_message}{' '}
            {event.data.trace_id && <TraceLink id={event.data.trace_id} />}
          </>
        )}
        {event.type === 'log' && (
          <>
            <LevelBadge level={event.data.level} /> {event.data.service}: {event.data.message}{' '}
            {event.data.trace_id && <TraceLink id={event.data.trace_id} />}
          </>
        )}
        {event.type === 'dump' && <DumpCard dump={event.data} />}
      </div>
    </div>
  );
}
