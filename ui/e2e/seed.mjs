#!/usr/bin/env node
// Seeds a running agent with realistic protocol v1 messages (JSON lines over its TCP listener,
// docs/protocol.md): two services, background traffic, a 10,000-node trace, an N+1 pattern,
// errors, logs and dumps with known names. Usage: node e2e/seed.mjs [host:port]
import net from 'node:net';
import { BIG_CALL_NODES, IDS, N_PLUS_ONE_REPEATS, OTHER_TENANT, SERVICES, SUMMARY } from './ids.mjs';

// Deterministic PRNG (mulberry32) so every run sends the same data.
function rng(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const hex = (n, width) => n.toString(16).padStart(width, '0');
const spanId = (traceNo, n) => hex(traceNo, 8) + hex(n, 8);

class CallBuilder {
  constructor(startTs) {
    this.nodes = [];
    this.startTs = startTs;
    this.next = 1;
  }
  /** Adds a call; returns its id. Children must fit inside [start, start+duration]. */
  add(parent, fn, cls, start, duration, extra = {}) {
    const id = hex(this.next++, 16);
    this.nodes.push({
      call_id: id,
      parent_id: parent,
      function: fn,
      ...(cls ? { class: cls } : {}),
      file: cls ? `/var/www/src/${cls.split('\\').pop()}.php` : '/var/www/public/index.php',
      line: 10 + (this.next % 90),
      start_ts: +(this.startTs + start).toFixed(3),
      duration_ms: +duration.toFixed(3),
      cpu_ms: +(duration * 0.7).toFixed(3),
      memory_delta: Math.round(duration * 2048),
      function_type: cls ? 2 : 0,
      ...extra,
    });
    return id;
  }
}

function rootSpan({ traceId, sid, service, method, route, uri, start, duration, status = 'ok', httpStatus = 200, extra = {} }) {
  return {
    type: 'span',
    trace_id: traceId,
    span_id: sid,
    parent_id: null,
    service,
    name: `${method} ${route}`,
    start_ts: start,
    end_ts: start + duration,
    duration_ms: duration,
    cpu_ms: +(duration * 0.6).toFixed(3),
    status,
    language: 'php',
    language_version: '8.3.14',
    framework: 'symfony',
    framework_version: '7.1',
    tags: {
      http_request: { method, uri, host: 'shop.example.test', scheme: 'https', ip: '203.0.113.7', user_agent: 'Mozilla/5.0' },
      http_response: { status_code: httpStatus, size: 5120 },
      region: 'eu-west',
    },
    net: { bytes_sent: 5120, bytes_received: 830 },
    sql: [],
    http: [],
    cache: [],
    redis: [],
    dumps: [],
    stack: [],
    ...extra,
  };
}

function simpleStack(start, duration, controller, sqlRecords = []) {
  const b = new CallBuilder(start);
  const main = b.add(null, '{main}', null, 0, duration);
  const kernel = b.add(main, 'handle', 'App\\Kernel', 0.5, duration - 1);
  const ctrl = b.add(kernel, controller.fn, controller.cls, 1, duration - 3, sqlRecords.length ? { sql_queries: sqlRecords } : {});
  b.add(ctrl, 'render', 'Twig\\Environment', duration * 0.7, duration * 0.25);
  return b.nodes;
}

function background(now, random) {
  const messages = [];
  const endpoints = [
    { service: SERVICES.web, method: 'GET', route: '/products/{id}', base: 40 },
    { service: SERVICES.web, method: 'GET', route: '/cart', base: 25 },
    { service: SERVICES.web, method: 'POST', route: '/cart/items', base: 60 },
    { service: SERVICES.billing, method: 'POST', route: '/invoices', base: 90 },
    { service: SERVICES.billing, method: 'GET', route: '/invoices/{id}', base: 30 },
  ];
  for (let i = 0; i < 120; i++) {
    const ep = endpoints[i % endpoints.length];
    const start = now - 50 * 60_000 + i * 25_000 + Math.floor(random() * 5000);
    const duration = +(ep.base * (0.6 + random() * 1.2) + (random() < 0.05 ? 400 : 0)).toFixed(3);
    const failed = ep.service === SERVICES.billing && i % 17 === 3;
    const traceId = hex(0xba0000 + i, 32);
    const sql = [
      { query: `SELECT id, name, price FROM products WHERE id = ${100 + (i % 40)}`, db_system: 'mysql', duration_ms: 1.2, rows: 1, start_ts: start + 2 },
      { query: `SELECT * FROM stock WHERE product_id = ${100 + (i % 40)} AND warehouse = 'eu-1'`, db_system: 'mysql', duration_ms: 0.8, rows: 3, start_ts: start + 4 },
    ];
    messages.push(
      rootSpan({
        traceId,
        sid: spanId(i, 1),
        service: ep.service,
        method: ep.method,
        route: ep.route,
        uri: ep.route.replace('{id}', String(100 + i)),
        start,
        duration,
        status: failed ? 'error' : 'ok',
        httpStatus: failed ? 500 : 200,
        extra: {
          sql,
          cache: [{ operation: 'get', key: `product:${100 + (i % 40)}`, hit: i % 3 !== 0, duration_ms: 0.2, start_ts: start + 1 }],
          stack: simpleStack(start, duration, { fn: 'show', cls: 'App\\Controller\\ProductController' }),
        },
      }),
    );
    if (failed) {
      messages.push({
        type: 'error', trace_id: traceId, span_id: spanId(i, 1), service: ep.service,
        error_type: 'PDOException', error_message: 'SQLSTATE[40001]: Serialization failure: 1213 Deadlock found when trying to get lock',
        file: '/var/www/src/Repository/InvoiceRepository.php', line: 88,
        stack_trace: [
          { file: '/var/www/src/Repository/InvoiceRepository.php', line: 88, function: 'execute', class: 'PDOStatement' },
          { file: '/var/www/src/Controller/InvoiceController.php', line: 41, function: 'save', class: 'App\\Repository\\InvoiceRepository' },
        ],
        occurred_at_ms: start + duration - 1, environment: 'production', release: '2026.11.3',
      });
    }
    if (i % 10 === 0) {
      messages.push({ type: 'log', trace_id: traceId, span_id: spanId(i, 1), service: ep.service, level: 'INFO', message: `Order ${1000 + i} created`, timestamp_ms: start + 5, fields: { order_id: 1000 + i } });
    }
  }
  return messages;
}

function bigTrace(now) {
  const start = now - 20 * 60_000;
  const rows = Math.floor((BIG_CALL_NODES - 4) / 10); // 999 rows × 10 nodes + 4 frame nodes = 9,994; topped up below
  const perRow = 2.0;
  const duration = rows * perRow + 40;
  const b = new CallBuilder(start);
  const main = b.add(null, '{main}', null, 0, duration);
  const kernel = b.add(main, 'handle', 'App\\Kernel', 1, duration - 2);
  const ctrl = b.add(kernel, 'monthly', 'App\\Controller\\ReportController', 2, duration - 4);
  const build = b.add(ctrl, 'build', 'App\\Report\\MonthlyReport', 3, rows * perRow + 10);
  for (let r = 0; r < rows; r++) {
    const t = 4 + r * perRow;
    const row = b.add(build, 'buildRow', 'App\\Report\\RowBuilder', t, perRow * 0.95);
    const fns = [
      ['fetch', 'PDOStatement'], ['money', 'App\\Report\\Formatter'], ['date', 'App\\Report\\Formatter'],
      ['htmlspecialchars', null], ['number_format', null], ['get', 'App\\Cache\\ArrayCache'],
      ['translate', 'Symfony\\Component\\Translation\\Translator'], ['escape', 'Twig\\Runtime\\EscaperRuntime'],
      ['sprintf', null],
    ];
    fns.forEach(([fn, cls], k) => b.add(row, fn, cls, t + 0.05 + k * 0.2, 0.15));
  }
  while (b.nodes.length < BIG_CALL_NODES) b.add(ctrl, 'flush', 'App\\Http\\ResponseWriter', duration - 20, 0.5);
  return rootSpan({
    traceId: IDS.big, sid: spanId(0xb1, 1), service: SERVICES.web, method: 'GET', route: '/reports/monthly',
    uri: '/reports/monthly?month=2026-10', start, duration, extra: { stack: b.nodes },
  });
}

function nPlusOneTrace(now) {
  const start = now - 15 * 60_000;
  const duration = 180;
  const sql = [{ query: 'SELECT * FROM orders WHERE id = 1042', db_system: 'mysql', duration_ms: 1.5, rows: 1, start_ts: start + 3 }];
  for (let i = 0; i < N_PLUS_ONE_REPEATS; i++) {
    sql.push({ query: `SELECT * FROM order_items WHERE order_id = 1042 AND line_no = ${i + 1}`, db_system: 'mysql', duration_ms: 2.4, rows: 1, start_ts: start + 6 + i * 4 });
  }
  // One statement shape for the agent's normaliser (multi-row VALUES lists fold into one row), two for a
  // text-only grouping: the trace view must group them as the SQL page does (by the API's fingerprint).
  sql.push({ query: "INSERT INTO audit_log VALUES (1042, 'viewed'), (1042, 'priced')", db_system: 'mysql', duration_ms: 0.9, rows: 2, start_ts: start + 150 });
  sql.push({ query: "INSERT INTO audit_log VALUES (1042, 'shown')", db_system: 'mysql', duration_ms: 0.7, rows: 1, start_ts: start + 160 });
  // file I/O as the extension sends it (protocol §6): summed on the calling node, slow calls also as records
  const fileOps = [{ operation: 'file_get_contents', path: '/var/www/var/cache/prod/orders.php', bytes: 18432, duration_ms: 1.9, start_ts: start + 100 }];
  const stack = simpleStack(start, duration, { fn: 'show', cls: 'App\\Controller\\OrderController' }, sql.slice(1, 4));
  Object.assign(stack.find((n) => n.function === 'show'), { file_io: { operations: 6, bytes: 20480, duration_ms: 2.6 }, file_operations: fileOps });
  return rootSpan({
    traceId: IDS.nPlusOne, sid: spanId(0x1a, 1), service: SERVICES.web, method: 'GET', route: '/orders/{id}', uri: '/orders/1042',
    start, duration,
    extra: {
      sql,
      dumps: [{ timestamp: start + 120, file: '/var/www/src/Cart/CartService.php', line: 42, data: JSON.stringify({ cart_id: 1042, items: 3, total: '89.70 EUR' }), text: 'Cart #1042 before checkout' }],
      stack,
      file_io: fileOps,
      redis: [{ command: 'GET', key: 'session:abc', hit: true, duration_ms: 0.3, start_ts: start + 1 }],
    },
  });
}

function errorTrace(now) {
  const start = now - 10 * 60_000;
  const duration = 3120;
  const root = rootSpan({
    traceId: IDS.error, sid: spanId(0xe1, 1), service: SERVICES.web, method: 'POST', route: '/checkout', uri: '/checkout',
    start, duration, status: 'error', httpStatus: 500,
    extra: {
      http: [{ url: 'https://payments.example.test/v1/charges', method: 'POST', status_code: 502, duration_ms: 3004, bytes_sent: 412, bytes_received: 96, error: 'upstream timed out', start_ts: start + 110 }],
      stack: simpleStack(start, duration, { fn: 'pay', cls: 'App\\Controller\\CheckoutController' }),
    },
  });
  const child = {
    ...rootSpan({ traceId: IDS.error, sid: spanId(0xe1, 2), service: SERVICES.billing, method: 'POST', route: '/invoices', uri: '/invoices', start: start + 20, duration: 85 }),
    parent_id: spanId(0xe1, 1),
    name: 'POST /invoices',
  };
  return [
    child, // children may arrive before their root (protocol §3)
    root,
    {
      type: 'error', trace_id: IDS.error, span_id: spanId(0xe1, 1), service: SERVICES.web,
      error_type: 'App\\Payment\\PaymentDeclinedException', error_message: 'Payment gateway returned 502 for order 1042',
      file: '/var/www/src/Payment/Gateway.php', line: 131,
      stack_trace: [
        { file: '/var/www/src/Payment/Gateway.php', line: 131, function: 'charge', class: 'App\\Payment\\Gateway' },
        { file: '/var/www/src/Controller/CheckoutController.php', line: 57, function: 'pay', class: 'App\\Controller\\CheckoutController' },
      ],
      occurred_at_ms: start + duration - 5, environment: 'production', release: '2026.11.3', tags: { order_id: '1042' },
    },
    { type: 'log', trace_id: IDS.error, span_id: spanId(0xe1, 1), service: SERVICES.web, level: 'ERROR', message: 'Payment gateway timeout after 3000 ms', timestamp_ms: start + 3010, fields: { gateway: 'payments.example.test', order_id: 1042 } },
    { type: 'log', trace_id: IDS.error, span_id: spanId(0xe1, 1), service: SERVICES.web, level: 'WARNING', message: 'Retrying charge for order 1042', timestamp_ms: start + 1500, fields: {} },
  ];
}

function productTrace(now, traceId, no, minutesAgo, slow) {
  const start = now - minutesAgo * 60_000;
  const duration = slow ? 480 : 45;
  const b = new CallBuilder(start);
  const main = b.add(null, '{main}', null, 0, duration);
  const kernel = b.add(main, 'handle', 'App\\Kernel', 0.5, duration - 1);
  const ctrl = b.add(kernel, 'show', 'App\\Controller\\ProductController', 1, duration - 2);
  b.add(ctrl, 'find', 'App\\Repository\\ProductRepository', 2, 6);
  const related = b.add(ctrl, 'findRelated', 'App\\Repository\\ProductRepository', 9, slow ? 420 : 12);
  const calls = slow ? 40 : 4;
  for (let i = 0; i < calls; i++) b.add(related, 'score', 'App\\Service\\Recommendation', 9.5 + i * (slow ? 10 : 2.5), slow ? 9.5 : 2);
  b.add(ctrl, 'render', 'Twig\\Environment', duration - 22, 20);
  return rootSpan({
    traceId, sid: spanId(no, 1), service: SERVICES.web, method: 'GET', route: '/products/{id}', uri: '/products/77', start, duration,
    extra: { stack: b.nodes, sql: [{ query: 'SELECT * FROM products WHERE id = 77', db_system: 'mysql', duration_ms: 1.1, rows: 1, start_ts: start + 3 }] },
  });
}

/** One trace of another tenant (tags organization_id / project_id, protocol §3.1) and a log of it. */
function otherTenantTrace(now) {
  const span = rootSpan({
    traceId: IDS.otherTenant, sid: spanId(0xc1, 1), service: OTHER_TENANT.service, method: 'GET', route: '/acme', uri: '/acme',
    start: now - 8 * 60_000, duration: 33,
  });
  span.tags = { ...span.tags, organization_id: OTHER_TENANT.org, project_id: OTHER_TENANT.project };
  const log = {
    type: 'log', trace_id: IDS.otherTenant, span_id: spanId(0xc1, 1), service: OTHER_TENANT.service, level: 'WARNING',
    message: OTHER_TENANT.log, timestamp_ms: now - 8 * 60_000 + 10, fields: { source: 'error_log' },
    organization_id: OTHER_TENANT.org, project_id: OTHER_TENANT.project,
  };
  return [span, log];
}

/**
 * Unsampled requests as the extension reports them: root summaries without records or stack, their SQL and HTTP
 * figures only in the RED tags (protocol §6).
 */
function unsampledSummaries(now) {
  return Array.from({ length: SUMMARY.requests }, (_, i) => {
    const span = rootSpan({
      traceId: hex(0x5a0000 + i, 32), sid: spanId(0x5a00 + i, 1), service: SERVICES.billing, method: 'GET', route: SUMMARY.route,
      uri: SUMMARY.route, start: now - 20 * 60_000 + i * 1000, duration: 12,
    });
    for (const key of ['net', 'sql', 'http', 'cache', 'redis', 'dumps', 'stack']) delete span[key];
    span.tags = { ...span.tags, sampled: 'false', sample_rate: '0.1', 'opa.sql_count': String(SUMMARY.sqlCount), 'opa.sql_ms': SUMMARY.sqlMs, 'opa.http_count': '0', 'opa.http_ms': '0.000' };
    return span;
  });
}

/** Messages of the initial data set, ending `now`. */
export function seedMessages(now = Date.now()) {
  const random = rng(42);
  return [
    ...background(now, random),
    bigTrace(now),
    nPlusOneTrace(now),
    ...errorTrace(now),
    productTrace(now, IDS.fast, 0xf1, 30, false),
    productTrace(now, IDS.slow, 0xf2, 5, true),
    ...otherTenantTrace(now),
    ...unsampledSummaries(now),
  ];
}

/** A trace, error, log and dump sent while the Live page is open. */
export function liveMessages(now = Date.now()) {
  return [
    rootSpan({
      traceId: IDS.live, sid: spanId(0xa1, 1), service: SERVICES.web, method: 'GET', route: '/live-check', uri: '/live-check',
      start: now - 50, duration: 42,
      extra: { dumps: [{ timestamp: now - 20, file: '/var/www/src/Live.php', line: 9, data: JSON.stringify({ live: true }), text: 'live dump' }] },
    }),
    { type: 'error', trace_id: IDS.live, span_id: spanId(0xa1, 1), service: SERVICES.web, error_type: 'RuntimeException', error_message: 'Live stream check', file: '/var/www/src/Live.php', line: 10, stack_trace: [], occurred_at_ms: now - 10 },
    { type: 'log', trace_id: IDS.live, span_id: spanId(0xa1, 1), service: SERVICES.web, level: 'NOTICE', message: 'Live log line', timestamp_ms: now - 5, fields: {} },
  ];
}

/** Streams messages over one TCP connection as JSON lines (protocol §2), then closes it. */
export function send(address, messages) {
  const [host, port] = parseAddress(address);
  return new Promise((resolve, reject) => {
    const socket = net.createConnection({ host, port }, () => {
      for (const m of messages) socket.write(`${JSON.stringify(m)}\n`);
      socket.end();
    });
    socket.on('error', reject);
    socket.on('close', (hadError) => (hadError ? undefined : resolve(messages.length)));
  });
}

function parseAddress(address) {
  const i = address.lastIndexOf(':');
  if (i < 0) return ['127.0.0.1', Number(address)];
  return [address.slice(0, i).replace(/^\[|\]$/g, '') || '127.0.0.1', Number(address.slice(i + 1))];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const address = process.argv[2] ?? process.env.OPA_TCP_LISTEN ?? '127.0.0.1:9090';
  const count = await send(address, seedMessages());
  console.log(`sent ${count} messages to ${address}; known trace ids: ${JSON.stringify(IDS)}`);
}
