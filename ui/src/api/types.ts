// Response shapes of the OPA REST API (docs/api.md). Times are epoch ms, durations ms.

export interface Page<T> {
  items: T[];
  total: number;
}

export interface RedFigures {
  requests: number;
  errors: number;
  error_rate: number;
  throughput_per_min: number;
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
}

/**
 * SQL and outgoing HTTP per request (weighted like requests): from a sampled request's records, from an
 * unsampled one's RED tags (docs/protocol.md §6).
 */
export interface RequestIoFigures {
  sql_per_request?: number | null;
  sql_ms_per_request?: number | null;
  http_per_request?: number | null;
  http_ms_per_request?: number | null;
}

export interface ServiceSummary extends RedFigures, RequestIoFigures {
  service: string;
}

export interface EndpointSummary extends RedFigures, RequestIoFigures {
  name: string;
}

export interface TimeseriesPoint {
  ts: number;
  requests: number;
  errors: number;
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
}

export interface Timeseries {
  interval: number;
  items: TimeseriesPoint[];
}

export interface TraceSummary {
  trace_id: string;
  span_id: string;
  service: string;
  name: string;
  start_ts: number;
  duration_ms: number;
  cpu_ms: number;
  status: 'ok' | 'error' | string;
  http_method: string | null;
  http_status: number | null;
  sql_count: number;
  http_count: number;
  span_count: number;
}

export interface SqlRecord {
  query: string;
  /** Added by the API to the records of a trace: the statement's fingerprint and normalised text, as GET /api/sql groups them. */
  fingerprint?: string;
  normalized?: string;
  db_system?: string;
  duration_ms: number;
  rows?: number | null;
  start_ts?: number;
  timestamp?: number;
}

export interface HttpRecord {
  url: string;
  method?: string;
  status_code?: number;
  duration_ms: number;
  bytes_sent?: number;
  bytes_received?: number;
  error?: string | null;
  start_ts?: number;
}

export interface CacheRecord {
  operation?: string;
  command?: string;
  key?: string;
  hit?: boolean;
  duration_ms: number;
  start_ts?: number;
}

/** One file operation (span `file_io`, node `file_operations`): path as the extension redacted and cut it. */
export interface FileRecord {
  operation?: string;
  path?: string;
  bytes?: number;
  duration_ms: number;
  start_ts?: number;
}

/** File I/O summed over a call node's own file calls. */
export interface FileIoSummary {
  operations?: number;
  bytes?: number;
  duration_ms?: number;
}

export interface DumpRecord {
  timestamp?: number;
  file?: string;
  line?: number;
  data?: string;
  text?: string;
}

export interface CallNode {
  call_id: string;
  parent_id: string | null;
  function: string;
  class?: string | null;
  file?: string | null;
  line?: number | null;
  start_ts?: number | null;
  duration_ms: number;
  cpu_ms?: number;
  memory_delta?: number;
  depth?: number;
  function_type?: number;
  sql_queries?: SqlRecord[];
  http_requests?: HttpRecord[];
  cache_operations?: CacheRecord[];
  redis_operations?: CacheRecord[];
  file_io?: FileIoSummary;
  file_operations?: FileRecord[];
}

export interface SpanDetail {
  trace_id: string;
  span_id: string;
  parent_id: string | null;
  service: string;
  name: string;
  start_ts: number;
  end_ts: number;
  duration_ms: number;
  cpu_ms: number;
  status: string;
  http_method?: string | null;
  http_route?: string | null;
  http_status?: number | null;
  sql_count?: number;
  http_count?: number;
  cache_count?: number;
  sql_ms?: number;
  http_ms?: number;
  sample_weight?: number;
  language?: string | null;
  language_version?: string | null;
  framework?: string | null;
  framework_version?: string | null;
  tags?: Record<string, unknown>;
  net?: Record<string, unknown>;
  sql?: SqlRecord[];
  http?: HttpRecord[];
  cache?: CacheRecord[];
  redis?: CacheRecord[];
  dumps?: DumpRecord[];
  file_io?: FileRecord[];
  stack?: CallNode[];
}

export interface StackFrame {
  file?: string;
  line?: number;
  function?: string;
  class?: string;
}

export interface ErrorEvent {
  occurred_at: number;
  service: string;
  trace_id: string | null;
  span_id: string | null;
  error_type: string;
  error_message: string;
  file: string | null;
  line: number | null;
  fingerprint: string;
  environment?: string | null;
  release?: string | null;
  stack_trace?: StackFrame[] | null;
  tags?: Record<string, unknown> | null;
}

export interface LogEntry {
  ts: number;
  service: string;
  level: string;
  message: string;
  trace_id: string | null;
  span_id: string | null;
  fields?: Record<string, unknown> | null;
}

export interface TraceDetail {
  trace_id: string;
  spans: SpanDetail[];
  errors: ErrorEvent[];
  logs: LogEntry[];
  /** The agent's N+1 rule: a statement shape run at least this many times in one trace. */
  n_plus_one_threshold: number;
}

export interface SqlGroup {
  fingerprint: string;
  normalized: string;
  example: string;
  db_system: string | null;
  count: number;
  total_ms: number;
  avg_ms: number;
  p95_ms: number;
  services: string[];
  n_plus_one_traces: number;
}

/** GET /api/sql/n-plus-one: a page plus the threshold it applied. */
export interface NPlusOnePage extends Page<NPlusOne> {
  threshold: number;
}

export interface NPlusOne {
  trace_id: string;
  fingerprint: string;
  normalized: string;
  count: number;
  total_ms: number;
}

export interface HttpGroup {
  host: string;
  path_template: string;
  method: string | null;
  count: number;
  errors: number;
  avg_ms: number;
  p95_ms: number;
  total_ms: number;
}

export interface ErrorGroup {
  fingerprint: string;
  error_type: string;
  error_message: string;
  count: number;
  first_seen: number;
  last_seen: number;
  services: string[];
  sample_trace_ids: string[];
}

export interface DumpEntry {
  ts: number;
  service: string;
  trace_id: string;
  span_id: string;
  file: string | null;
  line: number | null;
  data: string | null;
  text: string | null;
}

export interface Stats {
  spans_stored: number;
  traces_stored: number;
  errors_stored: number;
  logs_stored: number;
  store_bytes: number;
  ingest: {
    frames_received: number;
    frames_rejected: number;
    spans_received: number;
    spans_per_sec: number;
  };
}

export interface Sampling {
  rate: number;
}

export type LiveType = 'trace' | 'error' | 'log' | 'dump';

export type LiveEvent =
  | { type: 'trace'; data: TraceSummary }
  | { type: 'error'; data: ErrorEvent }
  | { type: 'log'; data: LogEntry }
  | { type: 'dump'; data: DumpEntry };
