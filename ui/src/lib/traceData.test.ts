import { callNode, span, trace } from '../test/fixtures';
import { fileIoByCall, fileIoOf, fileIoTotals, flattenTags, groupSql, MAX_RECORD_ROWS, rootSpan, traceTotals, waterfallRows } from './traceData';

describe('waterfallRows', () => {
  it('orders spans parent first, siblings by start, with offsets from the trace start', () => {
    const root = span({ span_id: 'r', start_ts: 1000, end_ts: 1100, duration_ms: 100 });
    const late = span({ span_id: 'b', parent_id: 'r', start_ts: 1050, end_ts: 1060, duration_ms: 10, name: 'late' });
    const early = span({ span_id: 'a', parent_id: 'r', start_ts: 1010, end_ts: 1020, duration_ms: 10, name: 'early' });
    const grandchild = span({ span_id: 'c', parent_id: 'a', start_ts: 1012, end_ts: 1015, duration_ms: 3, name: 'gc' });
    const { rows, startMs, endMs } = waterfallRows([late, grandchild, root, early]);
    expect(rows.map((r) => r.span.span_id)).toEqual(['r', 'a', 'c', 'b']);
    expect(rows.map((r) => r.depth)).toEqual([0, 1, 2, 1]);
    expect(rows[3].offsetMs).toBe(50);
    expect([startMs, endMs]).toEqual([1000, 1100]);
  });

  it('follows each span with its timed SQL, HTTP and cache calls, skipping untimed ones', () => {
    const root = span({
      span_id: 'r', start_ts: 1000, end_ts: 1100, duration_ms: 100,
      sql: [{ query: 'SELECT 2', duration_ms: 3, start_ts: 1040 }, { query: 'SELECT 1', duration_ms: 2, timestamp: 1.01 }, { query: 'untimed', duration_ms: 1 }],
      http: [{ url: 'https://pay/x', method: 'POST', status_code: 502, duration_ms: 30, start_ts: 1050 }],
      redis: [{ command: 'GET', key: 'k', hit: false, duration_ms: 1, start_ts: 1005 }],
    });
    const child = span({ span_id: 'c', parent_id: 'r', start_ts: 1060, end_ts: 1070, duration_ms: 10 });
    const { rows } = waterfallRows([root, child], true);
    expect(rows.map((r) => `${r.kind}:${r.label}`)).toEqual(['span:GET /products/{id}', 'cache:GET k', 'sql:SELECT 1', 'sql:SELECT 2', 'http:POST https://pay/x', 'span:GET /products/{id}']);
    expect(rows[2]).toMatchObject({ offsetMs: 10, depth: 1 });
    expect(rows[4]).toMatchObject({ error: true, detail: '502' });
    expect(rows[1].detail).toBe('miss');
    expect(waterfallRows([root, child], false).rows).toHaveLength(2);
  });

  it('caps the number of record rows', () => {
    const sql = Array.from({ length: MAX_RECORD_ROWS + 5 }, (_, i) => ({ query: `q${i}`, duration_ms: 1, start_ts: 1000 + i }));
    const { rows, hiddenRecords } = waterfallRows([span({ sql })], true);
    expect(rows).toHaveLength(MAX_RECORD_ROWS + 1);
    expect(hiddenRecords).toBe(5);
  });

  it('shows spans whose parent never arrived as roots', () => {
    const { rows } = waterfallRows([span({ span_id: 'x', parent_id: 'gone' })]);
    expect(rows).toHaveLength(1);
    expect(rows[0].depth).toBe(0);
  });
});

describe('groupSql', () => {
  const record = (query: string, fingerprint: string, normalized: string, duration_ms = 1) => ({ query, fingerprint, normalized, duration_ms });

  it('groups by the fingerprint the API sent, whatever the text looks like', () => {
    // the agent's normaliser folds both VALUES lists into one shape; a text-only grouping would not
    const records = [
      record('INSERT INTO t VALUES (1, 2), (3, 4)', 'aa11', 'INSERT INTO t VALUES (?, ?)'),
      record('INSERT INTO t VALUES (5, 6)', 'aa11', 'INSERT INTO t VALUES (?, ?)'),
      // same text shape, but the API says two statements
      record('SELECT 1', 'bb22', 'SELECT ?'),
      record('SELECT 1', 'cc33', 'SELECT ?'),
    ];
    const groups = groupSql(records, 10);
    expect(groups.map((g) => [g.fingerprint, g.count])).toEqual([['aa11', 2], ['bb22', 1], ['cc33', 1]]);
    expect(groups[0]).toMatchObject({ normalized: 'INSERT INTO t VALUES (?, ?)', example: 'INSERT INTO t VALUES (1, 2), (3, 4)' });
  });

  it('flags statements repeated at least the threshold as N+1', () => {
    const records = [
      ...Array.from({ length: 12 }, (_, i) => record(`SELECT * FROM order_items WHERE order_id = ${i}`, 'f1', 'SELECT * FROM order_items WHERE order_id = ?')),
      record('SELECT * FROM orders WHERE user_id = 7', 'f2', 'SELECT * FROM orders WHERE user_id = ?', 5),
    ];
    const groups = groupSql(records, 12);
    expect(groups).toHaveLength(2);
    expect(groups[0]).toMatchObject({ normalized: 'SELECT * FROM order_items WHERE order_id = ?', count: 12, totalMs: 12, nPlusOne: true });
    expect(groups[1]).toMatchObject({ count: 1, nPlusOne: false });
    expect(groupSql(records, 13).some((g) => g.nPlusOne)).toBe(false);
  });
});

describe('trace helpers', () => {
  const t = trace(
    [
      span({ span_id: 'r', duration_ms: 200, cpu_ms: 90, sql: [{ query: 'a', duration_ms: 3 }, { query: 'b', duration_ms: 4 }], stack: [{ call_id: 'x', parent_id: null, function: 'f', duration_ms: 1 }] }),
      span({ span_id: 'c', parent_id: 'r', http: [{ url: 'http://pay/api', duration_ms: 40 }] }),
    ],
    { errors: [{ occurred_at: 1, service: 's', trace_id: null, span_id: null, error_type: 'E', error_message: 'm', file: null, line: null, fingerprint: 'f' }] },
  );

  it('totals a trace', () => {
    expect(traceTotals(t)).toEqual({ durationMs: 200, cpuMs: 90, spans: 2, sqlCount: 2, sqlMs: 7, httpCount: 1, httpMs: 40, errors: 1, logs: 0, callNodes: 1 });
  });

  it('finds the root, or the earliest span without one', () => {
    expect(rootSpan(t)?.span_id).toBe('r');
    expect(rootSpan(trace([span({ span_id: 'l', parent_id: 'p', start_ts: 5 }), span({ span_id: 'e', parent_id: 'p', start_ts: 1 })]))?.span_id).toBe('e');
  });

  it('flattens nested tags', () => {
    expect(flattenTags({ b: 'x', http_request: { method: 'GET', status: 200 } })).toEqual([
      ['b', 'x'],
      ['http_request.method', 'GET'],
      ['http_request.status', '200'],
    ]);
  });
});

describe('file I/O', () => {
  const op = (operation: string, path: string, bytes: number, start: number) => ({ operation, path, bytes, duration_ms: 2, start_ts: start });

  it('takes the span-level list, else the records nested in call nodes', () => {
    const nested = [callNode('a', null, 'main', 10, { file_operations: [op('fopen', '/tmp/a', 0, 1002), op('fread', '/tmp/a', 100, 1003)] })];
    const listed = span({ span_id: 'l', file_io: [op('fwrite', '/tmp/b', 7, 1001)], stack: nested });
    const onlyNested = span({ span_id: 'n', stack: nested });
    expect(fileIoOf(trace([listed])).map((r) => r.record.operation)).toEqual(['fwrite']);
    expect(fileIoOf(trace([onlyNested])).map((r) => r.record.operation)).toEqual(['fopen', 'fread']);
    const file = waterfallRows([span({ span_id: 'r', start_ts: 1000, end_ts: 1010, duration_ms: 10, stack: nested })], true).rows.filter((r) => r.kind === 'file');
    expect(file.map((r) => `${r.label}|${r.detail}|${r.offsetMs}`)).toEqual(['fopen /tmp/a||2', 'fread /tmp/a|100 B|3']);
  });

  it('sums per call node when nodes carry summaries, else over the records', () => {
    const stack = [
      callNode('a', null, 'main', 10, { file_io: { operations: 2, bytes: 10, duration_ms: 1 } }),
      callNode('b', 'a', 'load', 5, { file_io: { operations: 5, bytes: 300, duration_ms: 4 } }),
      callNode('c', 'a', 'idle', 1),
    ];
    const t = trace([span({ stack, file_io: [op('fread', '/x', 300, 1)] })]);
    expect(fileIoByCall(t).map((c) => c.node.function)).toEqual(['load', 'main']);
    expect(fileIoTotals(t)).toEqual({ operations: 7, bytes: 310, durationMs: 5 });
    expect(fileIoTotals(trace([span({ file_io: [op('fread', '/x', 300, 1), op('fclose', '/x', 0, 2)] })]))).toEqual({ operations: 2, bytes: 300, durationMs: 4 });
  });
});

describe('traceTotals of an unsampled request', () => {
  it('uses the stored counts when the spans have no records', () => {
    const totals = traceTotals(trace([span({ sql: [], http: [], sql_count: 4, sql_ms: 6, http_count: 1, http_ms: 20.5 })]));
    expect([totals.sqlCount, totals.sqlMs, totals.httpCount, totals.httpMs]).toEqual([4, 6, 1, 20.5]);
    const sampled = traceTotals(trace([span({ sql: [{ query: 'SELECT 1', duration_ms: 2 }], sql_count: 9, sql_ms: 99 })]));
    expect([sampled.sqlCount, sampled.sqlMs]).toEqual([1, 2]);
  });
});
