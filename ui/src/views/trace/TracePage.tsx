// One trace: summary, waterfall, call tree, flame graph and every record type, one tab each.
import { useMemo, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { api, type TraceDetail } from '../../api/client';
import { useApi } from '../../app/useApi';
import { ErrorDetail } from '../../components/ErrorDetail';
import { FlameGraph } from '../../components/FlameGraph';
import { LogTable } from '../../components/LogTable';
import { Async, Panel, Stat, StatusBadge } from '../../components/Status';
import { Tabs } from '../../components/Tabs';
import { buildCallTree, type CallTreeNode } from '../../lib/callTree';
import { nameColor } from '../../lib/flame';
import { formatBytes, formatMs, formatTimestamp } from '../../lib/format';
import { allCallNodes, cacheOf, dumpsOf, fileIoTotals, groupSql, rootSpan, sqlOf, traceTotals } from '../../lib/traceData';
import { CallTreeView } from './CallTreeView';
import { CacheTab, DumpsTab, FileIoTab, HttpTab, SqlTab, TagsTab } from './RecordTabs';
import { Waterfall } from './Waterfall';

const callValue = (n: CallTreeNode) => n.totalMs;
const callLabel = (n: CallTreeNode) => n.name;
const callColor = (n: CallTreeNode) => nameColor(n.name);
const callDescribe = (n: CallTreeNode) =>
  `${n.name} — total ${formatMs(n.totalMs)}, self ${formatMs(n.selfMs)}, CPU ${formatMs(n.cpuTotalMs)}, mem ${formatBytes(n.memoryBytes)}`;

export function TracePage() {
  const id = useParams().id ?? '';
  const state = useApi(() => api.trace(id), [id]);
  if (state.notFound) {
    return (
      <div className="page">
        <h1>Trace not found</h1>
        <p>
          No trace <code>{id}</code> is stored (it may have been sampled out or not be complete yet).{' '}
          <Link to="/traces">Search traces</Link>
        </p>
      </div>
    );
  }
  return (
    <div className="page">
      <Async state={state} what="trace">
        {(trace) => <TraceBody trace={trace} />}
      </Async>
    </div>
  );
}

function TraceBody({ trace }: { trace: TraceDetail }) {
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') ?? 'waterfall';
  const root = rootSpan(trace);
  const totals = traceTotals(trace);
  const tree = useMemo(() => buildCallTree(allCallNodes(trace)), [trace]);
  const nPlusOne = useMemo(() => groupSql(sqlOf(trace).map((s) => s.record), trace.n_plus_one_threshold).some((g) => g.nPlusOne), [trace]);

  const tabs = [
    { key: 'waterfall', label: `Waterfall (${trace.spans.length})` },
    { key: 'calls', label: `Call tree (${totals.callNodes})` },
    { key: 'flame', label: 'Flame graph' },
    { key: 'sql', label: <>SQL ({totals.sqlCount}){nPlusOne && <span className="badge badge-error">N+1</span>}</> },
    { key: 'http', label: `HTTP (${totals.httpCount})` },
    { key: 'cache', label: `Cache (${cacheOf(trace).length})` },
    { key: 'files', label: `File I/O (${fileIoTotals(trace).operations})` },
    { key: 'logs', label: `Logs (${trace.logs.length})` },
    { key: 'errors', label: `Errors (${trace.errors.length})` },
    { key: 'dumps', label: `Dumps (${dumpsOf(trace).length})` },
    { key: 'tags', label: 'Tags' },
  ];
  const select = (key: string) => {
    const next = new URLSearchParams(params);
    next.set('tab', key);
    setParams(next, { replace: true });
  };

  return (
    <>
      <div className="trace-head">
        <h1>
          {root?.name ?? trace.trace_id} {root && <StatusBadge status={root.status} code={root.http_status} />}
        </h1>
        <TraceActions traceId={trace.trace_id} />
      </div>
      <div className="small muted mono" data-testid="trace-id">
        trace {trace.trace_id} · {root?.service} · {formatTimestamp(root?.start_ts)}
      </div>
      <div className="stats-row">
        <Stat label="Duration" value={formatMs(totals.durationMs)} />
        <Stat label="CPU" value={formatMs(totals.cpuMs)} />
        <Stat label="Spans" value={totals.spans} />
        <Stat label="SQL" value={`${totals.sqlCount} · ${formatMs(totals.sqlMs)}`} tone={nPlusOne ? 'bad' : undefined} />
        <Stat label="HTTP out" value={`${totals.httpCount} · ${formatMs(totals.httpMs)}`} />
        <Stat label="Errors" value={totals.errors} tone={totals.errors ? 'bad' : undefined} />
        <Stat label="Call nodes" value={totals.callNodes} />
      </div>
      <Tabs tabs={tabs} active={tab} onSelect={select} />
      <Panel>
        {tab === 'waterfall' && <Waterfall spans={trace.spans} />}
        {tab === 'calls' && <CallTreeView roots={tree} totalMs={totals.durationMs} />}
        {tab === 'flame' && (
          <FlameGraph testId="flame-graph" roots={tree} value={callValue} label={callLabel} color={callColor} describe={callDescribe} />
        )}
        {tab === 'sql' && <SqlTab trace={trace} />}
        {tab === 'http' && <HttpTab trace={trace} />}
        {tab === 'cache' && <CacheTab trace={trace} />}
        {tab === 'files' && <FileIoTab trace={trace} />}
        {tab === 'logs' && <LogTable logs={trace.logs} showTrace={false} />}
        {tab === 'errors' &&
          (trace.errors.length ? (
            trace.errors.map((e, i) => <ErrorDetail key={i} error={e} showTrace={false} />)
          ) : (
            <div className="empty-state">No errors in this trace.</div>
          ))}
        {tab === 'dumps' && <DumpsTab trace={trace} />}
        {tab === 'tags' && <TagsTab trace={trace} />}
      </Panel>
    </>
  );
}

function TraceActions({ traceId }: { traceId: string }) {
  const [kept, setKept] = useState<string>();
  const [other, setOther] = useState('');
  const navigate = useNavigate();
  const keep = async () => {
    try {
      const result = await api.keepTrace(traceId);
      setKept(result.kept ? 'Kept' : 'Not kept');
    } catch (e) {
      setKept(e instanceof Error ? e.message : String(e));
    }
  };
  return (
    <div className="trace-actions">
      <button onClick={keep} title="Keep this trace whatever the sampler says">
        {kept ?? 'Keep trace'}
      </button>
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (other.trim()) navigate(`/compare?a=${traceId}&b=${other.trim()}`);
        }}
      >
        <input aria-label="Compare with trace id" placeholder="compare with trace id…" value={other} onChange={(e) => setOther(e.target.value)} />
        <button type="submit" disabled={!other.trim()}>
          Compare
        </button>
      </form>
    </div>
  );
}
