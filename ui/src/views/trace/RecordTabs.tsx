// The per-record tabs of the trace view: SQL (N+1 highlighted), HTTP, cache/redis, file I/O, dumps, tags.
import type { TraceDetail } from '../../api/types';
import { DumpCard } from '../../components/DumpCard';
import { formatMs, formatBytes, formatTimestamp } from '../../lib/format';
import { functionName } from '../../lib/callTree';
import { cacheOf, dumpsOf, fileIoByCall, fileIoOf, fileIoTotals, flattenTags, groupSql, httpOf, sqlOf } from '../../lib/traceData';

export function SqlTab({ trace }: { trace: TraceDetail }) {
  const records = sqlOf(trace);
  const groups = groupSql(records.map((r) => r.record), trace.n_plus_one_threshold);
  const suspects = groups.filter((g) => g.nPlusOne);
  if (records.length === 0) return <div className="empty-state">No SQL in this trace.</div>;
  return (
    <div data-testid="sql-tab">
      {suspects.length > 0 && (
        <div className="n1-banner" role="alert" data-testid="n-plus-one">
          <strong>N+1 query pattern:</strong> {suspects.length} statement{suspects.length > 1 ? 's' : ''} repeated ≥
          {trace.n_plus_one_threshold} times in this request — fetch them in one query (JOIN / WHERE … IN).
        </div>
      )}
      <h3>By statement</h3>
      <table className="data-table">
        <thead>
          <tr>
            <th>Statement</th>
            <th className="num">Count</th>
            <th className="num">Total</th>
            <th className="num">Avg</th>
          </tr>
        </thead>
        <tbody>
          {groups.map((g) => (
            <tr key={g.fingerprint} className={g.nPlusOne ? 'row-n1' : undefined} data-testid={g.nPlusOne ? 'n1-row' : 'sql-group'}>
              <td>
                {g.nPlusOne && <span className="badge badge-error">N+1</span>} <code className="sql">{g.normalized}</code>
              </td>
              <td className="num">{g.count}</td>
              <td className="num">{formatMs(g.totalMs)}</td>
              <td className="num">{formatMs(g.totalMs / g.count)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>In order ({records.length})</h3>
      <table className="data-table">
        <thead>
          <tr>
            <th style={{ width: 40 }}>#</th>
            <th>Query</th>
            <th>DB</th>
            <th className="num">Rows</th>
            <th className="num">Duration</th>
            <th>Span</th>
          </tr>
        </thead>
        <tbody>
          {records.map(({ record, span }, i) => (
            <tr key={i}>
              <td className="muted">{i + 1}</td>
              <td>
                <code className="sql">{record.query}</code>
              </td>
              <td>{record.db_system ?? '—'}</td>
              <td className="num">{record.rows ?? '—'}</td>
              <td className="num">{formatMs(record.duration_ms)}</td>
              <td className="small muted">{span.name}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function HttpTab({ trace }: { trace: TraceDetail }) {
  const calls = httpOf(trace);
  if (calls.length === 0) return <div className="empty-state">No outgoing HTTP calls in this trace.</div>;
  return (
    <table className="data-table" data-testid="http-tab">
      <thead>
        <tr>
          <th>Method</th>
          <th>URL</th>
          <th>Status</th>
          <th className="num">Duration</th>
          <th className="num">Sent</th>
          <th className="num">Received</th>
          <th>Error</th>
        </tr>
      </thead>
      <tbody>
        {calls.map(({ record }, i) => (
          <tr key={i} className={record.error || (record.status_code ?? 0) >= 500 ? 'row-error' : undefined}>
            <td>{record.method ?? '—'}</td>
            <td className="mono small">{record.url}</td>
            <td>{record.status_code ?? '—'}</td>
            <td className="num">{formatMs(record.duration_ms)}</td>
            <td className="num">{formatBytes(record.bytes_sent)}</td>
            <td className="num">{formatBytes(record.bytes_received)}</td>
            <td className="text-bad small">{record.error ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function CacheTab({ trace }: { trace: TraceDetail }) {
  const ops = cacheOf(trace);
  if (ops.length === 0) return <div className="empty-state">No cache or Redis operations in this trace.</div>;
  const hits = ops.filter((o) => o.record.hit).length;
  return (
    <div data-testid="cache-tab">
      <p className="small">
        {ops.length} operations, hit ratio {((hits / ops.length) * 100).toFixed(0)}%
      </p>
      <table className="data-table">
        <thead>
          <tr>
            <th>Kind</th>
            <th>Operation</th>
            <th>Key</th>
            <th>Hit</th>
            <th className="num">Duration</th>
          </tr>
        </thead>
        <tbody>
          {ops.map(({ record }, i) => (
            <tr key={i}>
              <td>{record.kind}</td>
              <td className="mono">{record.operation ?? record.command ?? '—'}</td>
              <td className="mono small">{record.key ?? '—'}</td>
              <td>{record.hit === undefined ? '—' : record.hit ? 'hit' : 'miss'}</td>
              <td className="num">{formatMs(record.duration_ms)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * File I/O: per call node (every file call summed, also those under the extension's record threshold,
 * opa.file_io_threshold_us) and the individual operations that were recorded (paths as the extension sent them:
 * credentials and sensitive query parameters masked, long paths cut).
 */
export function FileIoTab({ trace }: { trace: TraceDetail }) {
  const byCall = fileIoByCall(trace);
  const records = fileIoOf(trace);
  if (byCall.length === 0 && records.length === 0) return <div className="empty-state">No file I/O in this trace.</div>;
  const totals = fileIoTotals(trace);
  return (
    <div data-testid="file-io-tab">
      <p className="small">
        {totals.operations} operations, {formatBytes(totals.bytes)}, {formatMs(totals.durationMs)}
      </p>
      {byCall.length > 0 && (
        <>
          <h3>By call</h3>
          <table className="data-table" data-testid="file-io-calls">
            <thead>
              <tr>
                <th>Call</th>
                <th className="num">Operations</th>
                <th className="num">Bytes</th>
                <th className="num">Duration</th>
              </tr>
            </thead>
            <tbody>
              {byCall.map((c, i) => (
                <tr key={i}>
                  <td className="mono small">
                    {functionName(c.node)}
                    {c.node.file && <span className="muted"> {c.node.file}{c.node.line ? `:${c.node.line}` : ''}</span>}
                  </td>
                  <td className="num">{c.operations}</td>
                  <td className="num">{formatBytes(c.bytes)}</td>
                  <td className="num">{formatMs(c.durationMs)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      <h3>Operations recorded ({records.length})</h3>
      {records.length === 0 ? (
        <div className="small muted">No single operation was slow enough to be recorded.</div>
      ) : (
        <table className="data-table" data-testid="file-io-records">
          <thead>
            <tr>
              <th>Operation</th>
              <th>Path</th>
              <th className="num">Bytes</th>
              <th className="num">Duration</th>
              <th>Span</th>
            </tr>
          </thead>
          <tbody>
            {records.map(({ record, span }, i) => (
              <tr key={i}>
                <td className="mono">{record.operation ?? '—'}</td>
                <td className="mono small">{record.path || '—'}</td>
                <td className="num">{formatBytes(record.bytes)}</td>
                <td className="num">{formatMs(record.duration_ms)}</td>
                <td className="small muted">{span.name}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

export function DumpsTab({ trace }: { trace: TraceDetail }) {
  const dumps = dumpsOf(trace);
  if (dumps.length === 0) return <div className="empty-state">No dumps in this trace.</div>;
  return (
    <div data-testid="dumps-tab">
      {dumps.map(({ record, span }, i) => (
        <DumpCard key={i} showTrace={false} dump={{ ...record, ts: record.timestamp ?? null, service: span.service }} />
      ))}
    </div>
  );
}

export function TagsTab({ trace }: { trace: TraceDetail }) {
  return (
    <div data-testid="tags-tab">
      {trace.spans.map((span) => {
        const tags = flattenTags(span.tags);
        const meta: Array<[string, string]> = [
          ['span_id', span.span_id],
          ['service', span.service],
          ['start', formatTimestamp(span.start_ts)],
          ['language', [span.language, span.language_version].filter(Boolean).join(' ') || '—'],
          ['framework', [span.framework, span.framework_version].filter(Boolean).join(' ') || '—'],
          ['sample_weight', String(span.sample_weight ?? 1)],
          ...flattenTags(span.net).map(([k, v]) => [`net.${k}`, v] as [string, string]),
        ];
        return (
          <div key={span.span_id} className="tags-block">
            <h3>{span.name}</h3>
            <table className="kv">
              <tbody>
                {[...meta, ...tags].map(([k, v]) => (
                  <tr key={k}>
                    <th>{k}</th>
                    <td className="mono">{v}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        );
      })}
    </div>
  );
}
