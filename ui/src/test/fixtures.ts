// Builders for realistic API payloads used by the unit tests.
import type { CallNode, SpanDetail, TraceDetail, TraceSummary } from '../api/types';

export function callNode(id: string, parent: string | null, fn: string, durationMs: number, extra: Partial<CallNode> = {}): CallNode {
  return { call_id: id, parent_id: parent, function: fn, duration_ms: durationMs, cpu_ms: durationMs / 2, memory_delta: 1024, ...extra };
}

/** A wide call tree: `count` nodes under one root, 10 children per node (breadth first). */
export function wideStack(count: number): CallNode[] {
  const nodes: CallNode[] = [callNode('n0', null, 'main', count * 1.0, { start_ts: 0 })];
  for (let i = 1; i < count; i++) {
    const parent = Math.floor((i - 1) / 10);
    nodes.push(callNode(`n${i}`, `n${parent}`, `fn_${i % 50}`, 0.5, { class: i % 3 ? 'App\\Repo' : null, start_ts: i }));
  }
  return nodes;
}

export function span(overrides: Partial<SpanDetail> = {}): SpanDetail {
  return {
    trace_id: 'a'.repeat(32),
    span_id: '1'.repeat(16),
    parent_id: null,
    service: 'shop-web',
    name: 'GET /products/{id}',
    start_ts: 1_700_000_000_000,
    end_ts: 1_700_000_000_120,
    duration_ms: 120,
    cpu_ms: 80,
    status: 'ok',
    http_status: 200,
    tags: { http_request: { method: 'GET', uri: '/products/42' }, region: 'eu' },
    sql: [],
    http: [],
    cache: [],
    redis: [],
    dumps: [],
    stack: [],
    ...overrides,
  };
}

export function trace(spans: SpanDetail[], overrides: Partial<TraceDetail> = {}): TraceDetail {
  return { trace_id: spans[0]?.trace_id ?? 'a'.repeat(32), spans, errors: [], logs: [], n_plus_one_threshold: 10, ...overrides };
}

export function traceSummary(overrides: Partial<TraceSummary> = {}): TraceSummary {
  return {
    trace_id: 'a'.repeat(32),
    span_id: '1'.repeat(16),
    service: 'shop-web',
    name: 'GET /products/{id}',
    start_ts: 1_700_000_000_000,
    duration_ms: 120,
    cpu_ms: 80,
    status: 'ok',
    http_method: 'GET',
    http_status: 200,
    sql_count: 3,
    http_count: 1,
    span_count: 2,
    ...overrides,
  };
}
