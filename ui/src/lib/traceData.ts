// Derived views of one trace's detail: span order for the waterfall, flattened records, SQL groups.
import { formatBytes } from './format';
import type { CacheRecord, CallNode, DumpRecord, FileRecord, HttpRecord, SpanDetail, SqlRecord, TraceDetail } from '../api/types';

export type WaterfallKind = 'span' | 'sql' | 'http' | 'cache' | 'file';

export interface WaterfallRow {
  key: string;
  kind: WaterfallKind;
  label: string;
  detail: string;
  service: string;
  depth: number;
  offsetMs: number; // from the trace start
  durationMs: number;
  error: boolean;
  span: SpanDetail;
}

/** At most this many record rows (SQL/HTTP/cache/file) are drawn; the tabs list them all. */
export const MAX_RECORD_ROWS = 1000;

/** Start of a record in epoch ms: `start_ts`, or the legacy SQL `timestamp` in epoch seconds. */
export function recordStart(record: { start_ts?: number; timestamp?: number }): number | undefined {
  if (typeof record.start_ts === 'number') return record.start_ts;
  if (typeof record.timestamp === 'number') return record.timestamp * 1000;
  return undefined;
}

function recordRows(span: SpanDetail, depth: number, traceStart: number): WaterfallRow[] {
  const rows: WaterfallRow[] = [];
  const add = (kind: WaterfallKind, i: number, start: number | undefined, duration: number, label: string, detail: string, error: boolean) => {
    if (start === undefined) return;
    rows.push({ key: `${span.span_id}/${kind}/${i}`, kind, label, detail, service: span.service, depth, offsetMs: start - traceStart, durationMs: duration ?? 0, error, span });
  };
  asArray<SqlRecord>(span.sql).forEach((r, i) => add('sql', i, recordStart(r), r.duration_ms, r.query, r.db_system ?? 'sql', false));
  asArray<HttpRecord>(span.http).forEach((r, i) =>
    add('http', i, recordStart(r), r.duration_ms, `${r.method ?? 'GET'} ${r.url}`, String(r.status_code ?? ''), Boolean(r.error) || (r.status_code ?? 0) >= 500),
  );
  [...asArray<CacheRecord>(span.cache), ...asArray<CacheRecord>(span.redis)].forEach((r, i) =>
    add('cache', i, recordStart(r), r.duration_ms, `${r.operation ?? r.command ?? 'op'} ${r.key ?? ''}`.trim(), r.hit === undefined ? '' : r.hit ? 'hit' : 'miss', false),
  );
  spanFileRecords(span).forEach((r, i) => add('file', i, recordStart(r), r.duration_ms, `${r.operation ?? 'file'} ${r.path ?? ''}`.trim(), fileDetail(r), false));
  return rows.sort((a, b) => a.offsetMs - b.offsetMs);
}

/**
 * Spans in tree order (parents before children, siblings by start) with their depth; with
 * `withRecords`, each span is followed by its timed SQL/HTTP/cache/file records (up to MAX_RECORD_ROWS).
 */
export function waterfallRows(
  spans: SpanDetail[],
  withRecords = false,
): { rows: WaterfallRow[]; startMs: number; endMs: number; hiddenRecords: number } {
  if (spans.length === 0) return { rows: [], startMs: 0, endMs: 0, hiddenRecords: 0 };
  const startMs = Math.min(...spans.map((s) => s.start_ts));
  const endMs = Math.max(...spans.map((s) => s.end_ts ?? s.start_ts + s.duration_ms));
  const ids = new Set(spans.map((s) => s.span_id));
  const children = new Map<string, SpanDetail[]>();
  const roots: SpanDetail[] = [];
  for (const span of spans) {
    if (span.parent_id && ids.has(span.parent_id) && span.parent_id !== span.span_id) {
      const list = children.get(span.parent_id) ?? [];
      list.push(span);
      children.set(span.parent_id, list);
    } else roots.push(span);
  }
  const byStart = (a: SpanDetail, b: SpanDetail) => a.start_ts - b.start_ts || a.span_id.localeCompare(b.span_id);
  const rows: WaterfallRow[] = [];
  const seen = new Set<string>();
  let recordBudget = MAX_RECORD_ROWS;
  let hiddenRecords = 0;
  const stack = [...roots].sort(byStart).reverse().map((span) => ({ span, depth: 0 }));
  while (stack.length) {
    const { span, depth } = stack.pop()!;
    if (seen.has(span.span_id)) continue;
    seen.add(span.span_id);
    rows.push({
      key: span.span_id, kind: 'span', label: span.name, detail: '', service: span.service, depth,
      offsetMs: span.start_ts - startMs, durationMs: span.duration_ms, error: span.status === 'error', span,
    });
    if (withRecords) {
      const records = recordRows(span, depth + 1, startMs);
      rows.push(...records.slice(0, recordBudget));
      hiddenRecords += Math.max(0, records.length - recordBudget);
      recordBudget = Math.max(0, recordBudget - records.length);
    }
    const kids = [...(children.get(span.span_id) ?? [])].sort(byStart).reverse();
    for (const kid of kids) stack.push({ span: kid, depth: depth + 1 });
  }
  return { rows, startMs, endMs, hiddenRecords };
}

/** Detail fields are stored as received: anything that is not an array counts as empty. */
export function asArray<T>(value: T[] | null | undefined | unknown): T[] {
  return Array.isArray(value) ? (value as T[]) : [];
}

export interface Owned<T> {
  record: T;
  span: SpanDetail;
}

function collect<T>(spans: SpanDetail[], pick: (s: SpanDetail) => T[] | undefined): Owned<T>[] {
  return spans.flatMap((span) => asArray<T>(pick(span)).map((record) => ({ record, span })));
}

export const sqlOf = (t: TraceDetail): Owned<SqlRecord>[] => collect(t.spans, (s) => s.sql);
export const httpOf = (t: TraceDetail): Owned<HttpRecord>[] => collect(t.spans, (s) => s.http);
export const dumpsOf = (t: TraceDetail): Owned<DumpRecord>[] => collect(t.spans, (s) => s.dumps);
export const cacheOf = (t: TraceDetail): Owned<CacheRecord & { kind: 'cache' | 'redis' }>[] => [
  ...collect(t.spans, (s) => asArray<CacheRecord>(s.cache).map((c) => ({ ...c, kind: 'cache' as const }))),
  ...collect(t.spans, (s) => asArray<CacheRecord>(s.redis).map((c) => ({ ...c, kind: 'redis' as const }))),
];

/**
 * A span's file operations: its `file_io` list, else the records nested in its call nodes
 * (`file_operations`; the extension sends both, other senders may send either).
 */
function spanFileRecords(span: SpanDetail): FileRecord[] {
  const listed = asArray<FileRecord>(span.file_io);
  if (listed.length > 0) return listed;
  return asArray<CallNode>(span.stack).flatMap((n) => asArray<FileRecord>(n.file_operations));
}

function fileDetail(r: FileRecord): string {
  return typeof r.bytes === 'number' && r.bytes > 0 ? formatBytes(r.bytes) : '';
}

export const fileIoOf = (t: TraceDetail): Owned<FileRecord>[] => collect(t.spans, spanFileRecords);

/** A call node's file I/O summary (`file_io`: every file call, also those under the record threshold). */
export interface FileIoByCall {
  node: CallNode;
  span: SpanDetail;
  operations: number;
  bytes: number;
  durationMs: number;
}

/** Call nodes that did file I/O, most time first. */
export function fileIoByCall(t: TraceDetail): FileIoByCall[] {
  const out: FileIoByCall[] = [];
  for (const span of t.spans) {
    for (const node of asArray<CallNode>(span.stack)) {
      const io = node.file_io;
      if (!io || typeof io !== 'object' || !(Number(io.operations) > 0)) continue;
      out.push({ node, span, operations: Number(io.operations), bytes: Number(io.bytes ?? 0), durationMs: Number(io.duration_ms ?? 0) });
    }
  }
  return out.sort((a, b) => b.durationMs - a.durationMs || b.operations - a.operations);
}

/** File operations of a trace: summed over call nodes when they carry summaries, else over the records. */
export function fileIoTotals(t: TraceDetail): { operations: number; bytes: number; durationMs: number } {
  const byCall = fileIoByCall(t);
  if (byCall.length > 0) {
    return byCall.reduce((s, c) => ({ operations: s.operations + c.operations, bytes: s.bytes + c.bytes, durationMs: s.durationMs + c.durationMs }), { operations: 0, bytes: 0, durationMs: 0 });
  }
  const records = fileIoOf(t);
  return {
    operations: records.length,
    bytes: records.reduce((s, r) => s + (r.record.bytes ?? 0), 0),
    durationMs: records.reduce((s, r) => s + (r.record.duration_ms ?? 0), 0),
  };
}

export interface SqlGroupInTrace {
  fingerprint: string;
  normalized: string;
  example: string;
  count: number;
  totalMs: number;
  nPlusOne: boolean;
}

/**
 * Groups a trace's statements by the fingerprint the API sends with each record (the one the SQL page groups
 * by); groups run at least `threshold` times (the trace's `n_plus_one_threshold`) are N+1.
 */
export function groupSql(records: SqlRecord[], threshold: number): SqlGroupInTrace[] {
  const groups = new Map<string, SqlGroupInTrace>();
  for (const record of records) {
    const fingerprint = record.fingerprint ?? '';
    const group = groups.get(fingerprint) ?? {
      fingerprint, normalized: record.normalized ?? record.query ?? '', example: record.query, count: 0, totalMs: 0, nPlusOne: false,
    };
    group.count++;
    group.totalMs += record.duration_ms ?? 0;
    groups.set(fingerprint, group);
  }
  const list = [...groups.values()];
  for (const g of list) g.nPlusOne = g.count >= threshold;
  return list.sort((a, b) => b.totalMs - a.totalMs || a.normalized.localeCompare(b.normalized));
}

export interface TraceTotals {
  durationMs: number;
  cpuMs: number;
  spans: number;
  sqlCount: number;
  sqlMs: number;
  httpCount: number;
  httpMs: number;
  errors: number;
  logs: number;
  callNodes: number;
}

export function traceTotals(t: TraceDetail): TraceTotals {
  const root = rootSpan(t);
  const sql = sqlOf(t);
  const http = httpOf(t);
  // an unsampled request's summary has no records: the stored counts (from its RED tags) are all there is
  const stored = (pick: (s: SpanDetail) => number | undefined) => t.spans.reduce((sum, s) => sum + (pick(s) ?? 0), 0);
  return {
    durationMs: root?.duration_ms ?? 0,
    cpuMs: root?.cpu_ms ?? 0,
    spans: t.spans.length,
    sqlCount: sql.length || stored((s) => s.sql_count),
    sqlMs: sql.length ? sql.reduce((sum, s) => sum + (s.record.duration_ms ?? 0), 0) : stored((s) => s.sql_ms),
    httpCount: http.length || stored((s) => s.http_count),
    httpMs: http.length ? http.reduce((sum, h) => sum + (h.record.duration_ms ?? 0), 0) : stored((s) => s.http_ms),
    errors: t.errors.length,
    logs: t.logs.length,
    callNodes: t.spans.reduce((sum, s) => sum + asArray(s.stack).length, 0),
  };
}

/** The root span (no parent), or the earliest span when the root never arrived. */
export function rootSpan(t: TraceDetail): SpanDetail | undefined {
  return t.spans.find((s) => !s.parent_id) ?? [...t.spans].sort((a, b) => a.start_ts - b.start_ts)[0];
}

/** All call nodes of a trace (every span's stack), as one list. */
export function allCallNodes(t: TraceDetail) {
  return t.spans.flatMap((s) => asArray<CallNode>(s.stack));
}

/** Tags as sorted [key, text] pairs; nested objects (http_request…) flattened with dots. */
export function flattenTags(tags: Record<string, unknown> | null | undefined): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const walk = (prefix: string, value: unknown) => {
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) walk(prefix ? `${prefix}.${k}` : k, v);
    } else out.push([prefix, typeof value === 'string' ? value : JSON.stringify(value)]);
  };
  walk('', tags ?? {});
  return out.sort((a, b) => a[0].localeCompare(b[0]));
}
