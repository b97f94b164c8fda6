// Compare two traces (A = baseline, B = candidate): summary side by side, then what got slower or faster.
import { useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { api, type TraceDetail } from '../../api/client';
import { useApi } from '../../app/useApi';
import { FlameGraph } from '../../components/FlameGraph';
import { TraceLink } from '../../components/links';
import { Async, Panel } from '../../components/Status';
import { Tabs } from '../../components/Tabs';
import { buildCallTree } from '../../lib/callTree';
import { changeRatio, diffTrees, functionChanges, type DiffNode } from '../../lib/diff';
import { deltaColor } from '../../lib/flame';
import { formatDeltaMs, formatMs } from '../../lib/format';
import { allCallNodes, rootSpan, traceTotals, type TraceTotals } from '../../lib/traceData';
import { DiffTreeView } from './DiffTreeView';

const diffValue = (n: DiffNode) => Math.max(n.aMs, n.bMs);
const diffLabel = (n: DiffNode) => n.name;
const diffColor = (n: DiffNode) => deltaColor(changeRatio(n));
const diffDescribe = (n: DiffNode) => `${n.name} — A ${formatMs(n.aMs)}, B ${formatMs(n.bMs)} (${formatDeltaMs(n.deltaMs)})`;

export function ComparePage() {
  const [params, setParams] = useSearchParams();
  const a = params.get('a') ?? '';
  const b = params.get('b') ?? '';
  const state = useApi(async () => {
    if (!a || !b) return undefined;
    const [ta, tb] = await Promise.all([api.trace(a), api.trace(b)]);
    return { a: ta, b: tb };
  }, [a, b]);

  return (
    <div className="page">
      <h1>Compare traces</h1>
      <form
        className="search-form"
        onSubmit={(e) => {
          e.preventDefault();
          const form = new FormData(e.currentTarget);
          setParams({ a: String(form.get('a') ?? '').trim(), b: String(form.get('b') ?? '').trim() });
        }}
        key={`${a}/${b}`}
      >
        <label className="grow">
          A (baseline)
          <input name="a" defaultValue={a} placeholder="trace id" className="mono" />
        </label>
        <label className="grow">
          B (compared)
          <input name="b" defaultValue={b} placeholder="trace id" className="mono" />
        </label>
        <button type="submit" className="primary">
          Compare
        </button>
      </form>
      {!a || !b ? (
        <div className="empty-state">Pick two traces: tick two rows on the Traces page, or paste two trace ids above.</div>
      ) : (
        <Async state={state} what="traces">
          {(pair) => (pair ? <Comparison a={pair.a} b={pair.b} /> : null)}
        </Async>
      )}
    </div>
  );
}

function Comparison({ a, b }: { a: TraceDetail; b: TraceDetail }) {
  const [tab, setTab] = useState('tree');
  const diff = useMemo(() => diffTrees(buildCallTree(allCallNodes(a)), buildCallTree(allCallNodes(b))), [a, b]);
  const changes = useMemo(() => functionChanges(diff), [diff]);
  return (
    <>
      <SummaryTable a={a} b={b} />
      <Tabs
        tabs={[
          { key: 'tree', label: 'Differential call tree' },
          { key: 'flame', label: 'Differential flame graph' },
          { key: 'functions', label: 'Biggest changes by function' },
        ]}
        active={tab}
        onSelect={setTab}
      />
      <Panel>
        {tab === 'tree' && <DiffTreeView roots={diff} />}
        {tab === 'flame' && (
          <>
            <p className="small muted">
              Width: the larger of A and B. Colour: <span className="swatch slower" /> slower in B,{' '}
              <span className="swatch faster" /> faster in B, grey unchanged.
            </p>
            <FlameGraph testId="diff-flame" roots={diff} value={diffValue} label={diffLabel} color={diffColor} describe={diffDescribe} />
          </>
        )}
        {tab === 'functions' && (
          <table className="data-table" data-testid="function-changes">
            <thead>
              <tr>
                <th>Function</th>
                <th className="num">Self A</th>
                <th className="num">Self B</th>
                <th className="num">Change</th>
              </tr>
            </thead>
            <tbody>
              {changes.map((c) => (
                <tr key={c.name}>
                  <td className="mono">{c.name}</td>
                  <td className="num">{formatMs(c.aSelfMs)}</td>
                  <td className="num">{formatMs(c.bSelfMs)}</td>
                  <td className={`num ${c.deltaMs > 0 ? 'text-bad' : 'text-good'}`}>{formatDeltaMs(c.deltaMs)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Panel>
    </>
  );
}

const METRICS: Array<{ label: string; value: (t: TraceTotals) => number; ms?: boolean }> = [
  { label: 'Duration', value: (t) => t.durationMs, ms: true },
  { label: 'CPU', value: (t) => t.cpuMs, ms: true },
  { label: 'Spans', value: (t) => t.spans },
  { label: 'SQL statements', value: (t) => t.sqlCount },
  { label: 'SQL time', value: (t) => t.sqlMs, ms: true },
  { label: 'HTTP calls', value: (t) => t.httpCount },
  { label: 'HTTP time', value: (t) => t.httpMs, ms: true },
  { label: 'Errors', value: (t) => t.errors },
  { label: 'Call nodes', value: (t) => t.callNodes },
];

function SummaryTable({ a, b }: { a: TraceDetail; b: TraceDetail }) {
  const ta = traceTotals(a);
  const tb = traceTotals(b);
  return (
    <Panel title="Summary" testId="compare-summary">
      <table className="data-table compare-table">
        <thead>
          <tr>
            <th />
            <th>
              A: {rootSpan(a)?.name} <TraceLink id={a.trace_id} />
            </th>
            <th>
              B: {rootSpan(b)?.name} <TraceLink id={b.trace_id} />
            </th>
            <th className="num">B − A</th>
          </tr>
        </thead>
        <tbody>
          {METRICS.map((m) => {
            const va = m.value(ta);
            const vb = m.value(tb);
            const delta = vb - va;
            return (
              <tr key={m.label}>
                <th>{m.label}</th>
                <td>{m.ms ? formatMs(va) : va}</td>
                <td>{m.ms ? formatMs(vb) : vb}</td>
                <td className={`num ${delta > 0 ? 'text-bad' : delta < 0 ? 'text-good' : ''}`}>
                  {m.ms ? formatDeltaMs(delta) : delta > 0 ? `+${delta}` : delta}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </Panel>
  );
}
