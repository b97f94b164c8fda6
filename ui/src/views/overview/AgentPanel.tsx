// Agent health at a glance (store size, ingest rates) and the run-time sampling rate.
import { useState } from 'react';
import { api, type Stats } from '../../api/client';
import { useApi } from '../../app/useApi';
import { Panel, Stat } from '../../components/Status';
import { formatBytes, formatCount } from '../../lib/format';

export function AgentPanel({ stats }: { stats: Stats }) {
  return (
    <Panel title="Agent" testId="agent-panel">
      <div className="stats-row">
        <Stat label="Spans stored" value={formatCount(stats.spans_stored)} />
        <Stat label="Traces stored" value={formatCount(stats.traces_stored)} />
        <Stat label="Errors stored" value={formatCount(stats.errors_stored)} />
        <Stat label="Logs stored" value={formatCount(stats.logs_stored)} />
        <Stat label="Store size" value={formatBytes(stats.store_bytes)} />
        <Stat label="Spans / s" value={stats.ingest.spans_per_sec.toFixed(1)} />
        <Stat label="Frames received" value={formatCount(stats.ingest.frames_received)} />
        <Stat
          label="Frames rejected"
          value={formatCount(stats.ingest.frames_rejected)}
          tone={stats.ingest.frames_rejected > 0 ? 'bad' : undefined}
        />
        <SamplingControl />
      </div>
    </Panel>
  );
}

export function SamplingControl() {
  const [version, setVersion] = useState(0);
  const current = useApi(() => api.sampling(), [version]);
  const [draft, setDraft] = useState('');
  const [error, setError] = useState<string>();

  const save = async () => {
    const pct = Number(draft);
    if (!Number.isFinite(pct) || pct < 0 || pct > 100) {
      setError('Enter a percentage between 0 and 100');
      return;
    }
    try {
      await api.setSampling(pct / 100);
      setError(undefined);
      setDraft('');
      setVersion((v) => v + 1);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };

  return (
    <div className="stat sampling" data-testid="sampling">
      <div className="stat-label">Sampling rate</div>
      <div className="stat-value">
        {current.data ? `${+(current.data.rate * 100).toFixed(2)}%` : current.error ? '?' : '…'}
      </div>
      <div className="inline-form">
        <input
          aria-label="New sampling rate (%)"
          placeholder="%"
          size={5}
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
        />
        <button onClick={save} disabled={!draft}>
          Set
        </button>
      </div>
      {error && <div className="text-bad small">{error}</div>}
    </div>
  );
}
