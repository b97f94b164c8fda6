// The selected call node: where it is, its times, and the SQL / HTTP / cache / file calls it made.
import type { CacheRecord, FileRecord, HttpRecord, SqlRecord } from '../../api/types';
import type { CallTreeNode } from '../../lib/callTree';
import { asArray } from '../../lib/traceData';
import { formatBytes, formatMs } from '../../lib/format';

export function CallDetail({ node }: { node: CallTreeNode }) {
  const { source } = node;
  const sql = asArray<SqlRecord>(source.sql_queries);
  const http = asArray<HttpRecord>(source.http_requests);
  const cache = [...asArray<CacheRecord>(source.cache_operations), ...asArray<CacheRecord>(source.redis_operations)];
  const files = asArray<FileRecord>(source.file_operations);
  const io = source.file_io;
  return (
    <div className="call-detail" data-testid="call-detail">
      <div className="call-detail-head">
        <span className="mono">{node.name}</span>
        {node.file && (
          <span className="mono small muted">
            {' '}
            {node.file}
            {node.line ? `:${node.line}` : ''}
          </span>
        )}
      </div>
      <div className="small">
        total {formatMs(node.totalMs)} · self {formatMs(node.selfMs)} · CPU {formatMs(node.cpuTotalMs)} (self{' '}
        {formatMs(node.cpuSelfMs)}) · memory {formatBytes(node.memoryBytes)} · {node.children.length} direct calls
        {io && Number(io.operations) > 0 && (
          <span data-testid="call-file-io">
            {' '}
            · file I/O {io.operations} ops, {formatBytes(io.bytes)}, {formatMs(io.duration_ms)}
          </span>
        )}
      </div>
      {sql.length > 0 && (
        <ul className="call-records">
          {sql.map((q, i) => (
            <li key={`sql${i}`}>
              <span className="wf-kind wf-kind-sql">SQL</span> <code className="sql">{q.query}</code>{' '}
              <span className="muted small">{formatMs(q.duration_ms)}</span>
            </li>
          ))}
        </ul>
      )}
      {http.length > 0 && (
        <ul className="call-records">
          {http.map((h, i) => (
            <li key={`http${i}`}>
              <span className="wf-kind wf-kind-http">HTTP</span>{' '}
              <span className="mono small">
                {h.method ?? 'GET'} {h.url}
              </span>{' '}
              <span className="muted small">
                {h.status_code ?? ''} {formatMs(h.duration_ms)}
              </span>
            </li>
          ))}
        </ul>
      )}
      {files.length > 0 && (
        <ul className="call-records">
          {files.map((f, i) => (
            <li key={`file${i}`}>
              <span className="wf-kind wf-kind-file">file</span>{' '}
              <span className="mono small">
                {f.operation} {f.path}
              </span>{' '}
              <span className="muted small">
                {typeof f.bytes === 'number' ? formatBytes(f.bytes) : ''} {formatMs(f.duration_ms)}
              </span>
            </li>
          ))}
        </ul>
      )}
      {cache.length > 0 && (
        <ul className="call-records">
          {cache.map((c, i) => (
            <li key={`cache${i}`}>
              <span className="wf-kind wf-kind-cache">cache</span>{' '}
              <span className="mono small">
                {c.operation ?? c.command} {c.key}
              </span>{' '}
              <span className="muted small">
                {c.hit === undefined ? '' : c.hit ? 'hit' : 'miss'} {formatMs(c.duration_ms)}
              </span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
