// End-to-end: the built dashboard served by a RUNNING agent, in Debian's Chromium, on data sent
// through the agent's real TCP ingest. Every page is visited and screenshotted to ui/test-results/.
// Env: OPA_URL (http://127.0.0.1:8080), OPA_TCP (127.0.0.1:9090), OPA_API_TOKEN (optional),
// OPA_API_READ_KEY (optional: a read-only key configured in the agent's opa.api.keys-file).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch } from './browser.mjs';
import { BIG_CALL_NODES, IDS, N_PLUS_ONE_REPEATS, OTHER_TENANT, SERVICES, SUMMARY } from './ids.mjs';
import { liveMessages, seedMessages, send } from './seed.mjs';

const BASE = process.env.OPA_URL ?? 'http://127.0.0.1:8080';
const TCP = process.env.OPA_TCP ?? '127.0.0.1:9090';
const TOKEN = process.env.OPA_API_TOKEN ?? '';
const READ_KEY = process.env.OPA_API_READ_KEY ?? '';
const SHOTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'test-results');
const WAIT = { timeout: 20_000 };

let browser;
let page;
const pageErrors = [];

async function api(pathname) {
  const response = await fetch(`${BASE}${pathname}`, { headers: TOKEN ? { Authorization: `Bearer ${TOKEN}` } : {} });
  return { status: response.status, body: response.ok ? await response.json() : await response.text() };
}

async function until(what, check, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      last = await check();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)?.slice(0, 300)})`);
}

async function open(url) {
  await page.goto(`${BASE}${url}`, { waitUntil: 'domcontentloaded' });
}

async function shot(name) {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  browser = await launch();
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(`console: ${m.text()}`);
  });
});

after(async () => {
  await browser?.close();
});

describe('dashboard on a running agent', () => {
  it('explains how to send data while the store is empty', async () => {
    const stats = await api('/api/stats');
    assert.equal(stats.status, 200, `GET /api/stats: ${JSON.stringify(stats.body)}`);
    assert.equal(stats.body.spans_stored, 0, 'this test needs a fresh agent with an empty store');
    await open('/');
    if (TOKEN) {
      // The agent has opa.api.token set: the dashboard asks once and keeps the token for every page.
      assert.equal((await fetch(`${BASE}/api/stats`)).status, 401, 'API without a token');
      const input = page.getByLabel('API token');
      await input.waitFor(WAIT);
      await shot('00-token-prompt');
      await input.fill(TOKEN);
      await page.getByRole('button', { name: 'Save token' }).click();
    }
    const help = page.getByTestId('getting-started');
    await help.waitFor(WAIT);
    const text = await help.innerText();
    assert.match(text, /opa\.socket_path/);
    assert.match(text, /extension=opa\.so/);
    await shot('01-empty-store');
  });

  it('ingests the seed through the TCP listener', async () => {
    const sent = await send(TCP, seedMessages());
    assert.ok(sent > 100);
    for (const id of Object.values(IDS).filter((id) => id !== IDS.live && id !== IDS.otherTenant)) {
      await until(`trace ${id} stored`, async () => (await api(`/api/traces/${id}`)).status === 200);
    }
    const tenant = `org=${OTHER_TENANT.org}&project=${OTHER_TENANT.project}`;
    await until('other tenant stored', async () => (await api(`/api/traces/${IDS.otherTenant}?${tenant}`)).status === 200);
    await until('error and log rows stored', async () => {
      const s = (await api('/api/stats')).body;
      return s.errors_stored >= 2 && s.logs_stored >= 3 ? s : false;
    });
  });

  it('overview lists both services with RED figures and sparklines', async () => {
    await open('/');
    const table = page.getByTestId('services-table');
    await table.getByText(SERVICES.web).waitFor(WAIT);
    await table.getByText(SERVICES.billing).waitFor(WAIT);
    const webRow = table.locator('tr', { hasText: SERVICES.web });
    const cells = await webRow.locator('td').allInnerTexts();
    assert.ok(Number(cells[1].replace(/,/g, '')) >= 70, `shop-web requests: ${cells[1]}`);
    assert.match(cells[7], /ms|s$/, `p95 cell: ${cells[7]}`);
    assert.ok((await table.locator('.sparkline').count()) >= 2, 'sparklines drawn');
    await page.getByTestId('agent-panel').getByText('Spans stored').waitFor(WAIT);
    assert.equal(await table.getByText(OTHER_TENANT.service).count(), 0, 'other tenant not listed');
    await shot('02-overview');
  });

  it('tenant switch scopes every view to another organisation / project', async () => {
    await open('/');
    await page.getByTestId('tenant').click();
    await page.getByLabel('Organisation').fill(OTHER_TENANT.org);
    await page.getByLabel('Project').fill(OTHER_TENANT.project);
    await page.getByRole('button', { name: 'Apply' }).click();
    const table = page.getByTestId('services-table');
    await table.getByText(OTHER_TENANT.service).waitFor(WAIT);
    assert.equal(await table.locator('tbody tr').count(), 1);
    await open(`/traces/${IDS.otherTenant}`);
    await page.getByRole('heading', { name: /GET \/acme/ }).waitFor(WAIT);
    await page.getByRole('tab', { name: /Logs \(1\)/ }).click();
    await page.getByTestId('logs-table').getByText(OTHER_TENANT.log).waitFor(WAIT);
    await open('/logs');
    await page.getByTestId('logs-table').getByText(OTHER_TENANT.log).waitFor(WAIT);
    await open(`/traces/${IDS.otherTenant}`);
    await page.getByRole('heading', { name: /GET \/acme/ }).waitFor(WAIT);
    await page.getByTestId('tenant').click();
    await page.getByLabel('Organisation').fill('default-org');
    await page.getByLabel('Project').fill('default-project');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByText('Trace not found').waitFor(WAIT);
  });

  it('endpoints of unsampled requests show their SQL per request (from the summaries\' RED tags)', async () => {
    await open(`/services/${SERVICES.billing}`);
    const row = page.getByTestId('endpoints-table').locator('tr', { hasText: `GET ${SUMMARY.route}` });
    await row.waitFor(WAIT);
    const text = await row.innerText();
    assert.match(text, new RegExp(`${SUMMARY.sqlCount}\\.0 · ${Number(SUMMARY.sqlMs).toFixed(2)} ms`), text);
  });

  it('service page draws latency, throughput and error charts and lists endpoints', async () => {
    await open(`/services/${SERVICES.web}`);
    await page.getByTestId('latency-chart').locator('.recharts-line').first().waitFor(WAIT);
    const endpoints = page.getByTestId('endpoints-table');
    for (const name of ['GET /products/{id}', 'GET /reports/monthly', 'POST /checkout', 'GET /orders/{id}']) {
      await endpoints.getByText(name, { exact: true }).waitFor(WAIT);
    }
    await shot('03-service');
    // Drag across the latency chart: the dashboard switches to that absolute window.
    const chart = await page.getByTestId('latency-chart').locator('.recharts-wrapper').boundingBox();
    const y = chart.y + chart.height / 2;
    await page.mouse.move(chart.x + chart.width * 0.3, y);
    await page.mouse.down();
    await page.mouse.move(chart.x + chart.width * 0.5, y, { steps: 5 });
    await page.mouse.move(chart.x + chart.width * 0.7, y, { steps: 5 });
    await page.mouse.up();
    await page.waitForURL(/range=custom&from=\d+&to=\d+/);
    const zoomed = new URL(page.url()).searchParams;
    const width = Number(zoomed.get('to')) - Number(zoomed.get('from'));
    assert.ok(width > 0 && width < 60 * 60_000, `zoomed window ${width} ms`);
    await page.getByLabel('From').waitFor(WAIT);
    await page.getByRole('combobox', { name: 'Time range' }).selectOption('1h');
    await page.waitForURL((url) => !url.search.includes('custom'));
    await endpoints.getByText('POST /checkout', { exact: true }).click();
    await page.waitForURL(/\/traces\?.*name=POST/);
    await page.getByTestId('traces-table').getByText('POST /checkout').waitFor(WAIT);
  });

  it('trace search filters by status and sorts by duration', async () => {
    await open('/traces');
    await page.getByTestId('traces-table').locator('tbody tr').first().waitFor(WAIT);
    await page.getByRole('combobox', { name: 'Status' }).selectOption('error');
    await page.getByRole('combobox', { name: 'Sort' }).selectOption('duration');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/status=error/);
    const table = page.getByTestId('traces-table');
    // The unfiltered list is still on screen until the new answer arrives: wait for the filtered one.
    const statuses = await until('only failed traces listed', async () => {
      const cells = (await table.locator('tbody tr td:nth-child(5)').allInnerTexts()).map((s) => s.trim());
      return cells.length > 0 && cells.every((s) => s === '500') ? cells : false;
    });
    assert.ok(statuses.length >= 2, `failed traces: ${statuses.length}`);
    const durations = await table.locator('tbody tr td:nth-child(6)').allInnerTexts();
    assert.match(durations[0], /3\.12 s/, 'slowest first: the 3.12 s checkout');
    await table.getByText('POST /checkout').first().waitFor(WAIT);
    await shot('04-traces');
  });

  it('trace view: waterfall, a responsive 10,000-node call tree and the flame graph', async () => {
    await open(`/traces/${IDS.error}`);
    await page.getByTestId('waterfall').waitFor(WAIT);
    assert.equal(await page.getByTestId('wf-row').count(), 2, 'root span + billing-api child');
    const httpRow = page.getByTestId('wf-record').filter({ hasText: 'POST https://payments.example.test/v1/charges' });
    assert.match(await httpRow.innerText(), /3\.00 s\s+502/);
    await shot('05-trace-waterfall');

    await open(`/traces/${IDS.big}?tab=calls`);
    const tree = page.getByTestId('call-tree');
    await tree.waitFor(WAIT);
    await page.getByText(`Call tree (${BIG_CALL_NODES})`).waitFor(WAIT);
    await page.getByRole('button', { name: 'Expand all' }).click();
    await page.getByTestId('call-tree-count').getByText(`${BIG_CALL_NODES} rows shown`).waitFor(WAIT);
    const domRows = await tree.getByTestId('call-row').count();
    assert.ok(domRows > 10 && domRows < 200, `virtualised rows in the DOM: ${domRows}`);
    // Scroll to the end: the last rows are rendered on demand.
    await tree.locator('.tree-scroll').evaluate((el) => (el.scrollTop = el.scrollHeight));
    await tree.getByText('App\\Http\\ResponseWriter::flush').first().waitFor(WAIT);
    // The page still reacts after the big expand: collapse, then reveal a function by search.
    await page.getByRole('button', { name: 'Collapse all' }).click();
    await page.getByTestId('call-tree-count').getByText('1 rows shown').waitFor(WAIT);
    await page.getByLabel('Find function').fill('MonthlyReport::build');
    await page.getByLabel('Find function').press('Enter');
    await tree.locator('.tree-hit').first().waitFor(WAIT);
    await tree.locator('.tree-hit').first().click();
    assert.match(await page.getByTestId('call-detail').innerText(), /MonthlyReport::build[\s\S]*\/var\/www\/src\/MonthlyReport\.php/);
    await shot('06-trace-calltree');
    await page.getByRole('button', { name: 'Hot functions' }).click();
    const hot = page.getByTestId('hot-functions').locator('tr', { hasText: 'App\\Report\\RowBuilder::buildRow' });
    assert.match(await hot.innerText(), /\b999\b/, 'buildRow called once per report row');
    await page.getByRole('button', { name: 'Tree' }).click();

    await page.getByRole('tab', { name: 'Flame graph' }).click();
    const canvas = page.getByTestId('flame-graph').locator('canvas');
    await canvas.waitFor(WAIT);
    const box = await canvas.boundingBox();
    assert.ok(box && box.height >= 4 * 18, `flame graph height ${box?.height}`);
    await page.mouse.move(box.x + box.width / 2, box.y + 9);
    await page.getByTestId('flame-hover').getByText('{main}').waitFor(WAIT);
    await shot('07-trace-flamegraph');
  });

  it('trace view: SQL tab highlights the N+1 pattern; dumps, cache and tags tabs', async () => {
    await open(`/traces/${IDS.nPlusOne}?tab=sql`);
    await page.getByTestId('n-plus-one').waitFor(WAIT);
    const n1 = page.getByTestId('n1-row');
    assert.match(await n1.innerText(), /order_items/);
    assert.match(await n1.innerText(), new RegExp(`\\b${N_PLUS_ONE_REPEATS}\\b`));
    await shot('08-trace-sql-n-plus-one');
    // grouped by the fingerprint the API sends, as the SQL page groups: both INSERTs are one statement shape
    const audit = page.getByTestId('sql-group').filter({ hasText: 'audit_log' });
    assert.equal(await audit.count(), 1);
    assert.match(await audit.innerText(), /INSERT INTO audit_log VALUES \(\?, \?\)\s+2\b/);
    await page.getByRole('tab', { name: /Dumps \(1\)/ }).click();
    assert.match(await page.getByTestId('dump-card').innerText(), /CartService\.php:42[\s\S]*"cart_id": 1042/);
    await page.getByRole('tab', { name: /Cache \(1\)/ }).click();
    assert.match(await page.getByTestId('cache-tab').innerText(), /session:abc/);
    await page.getByRole('tab', { name: /File I\/O \(6\)/ }).click();
    assert.match(await page.getByTestId('file-io-calls').innerText(), /OrderController::show[\s\S]*6[\s\S]*20\.0 KiB/);
    assert.match(await page.getByTestId('file-io-records').innerText(), /file_get_contents\s+\/var\/www\/var\/cache\/prod\/orders\.php\s+18\.0 KiB/);
    await shot('08b-trace-file-io');
    await page.getByRole('tab', { name: 'Tags' }).click();
    assert.match(await page.getByTestId('tags-tab').innerText(), /http_request\.uri\s+\/orders\/1042/);
  });

  it('trace view: HTTP, errors and logs of a failed checkout', async () => {
    await open(`/traces/${IDS.error}?tab=http`);
    assert.match(await page.getByTestId('http-tab').innerText(), /payments\.example\.test\/v1\/charges[\s\S]*502/);
    await page.getByRole('tab', { name: /Errors \(1\)/ }).click();
    assert.match(await page.getByTestId('error-detail').innerText(), /PaymentDeclinedException: Payment gateway returned 502/);
    await page.getByRole('tab', { name: /Logs \(2\)/ }).click();
    assert.match(await page.getByTestId('logs-table').innerText(), /Payment gateway timeout after 3000 ms/);
    await shot('09-trace-errors-logs');
  });

  it('SQL page groups by fingerprint and lists the N+1 trace', async () => {
    await open('/sql');
    const n1 = page.getByTestId('n1-table');
    await n1.getByText('order_items').first().waitFor(WAIT);
    await n1.locator(`a[href="/traces/${IDS.nPlusOne}"]`).waitFor(WAIT);
    await page.getByTestId('sql-table').getByText('FROM products WHERE id').first().waitFor(WAIT);
    await page.getByTestId('sql-table').getByText('INSERT INTO audit_log VALUES (?, ?)', { exact: true }).waitFor(WAIT);
    await shot('10-sql');
    await n1.locator(`a[href="/traces/${IDS.nPlusOne}"]`).click();
    await page.getByRole('heading', { name: /GET \/orders\/\{id\}/ }).waitFor(WAIT);
  });

  it('HTTP page groups outgoing calls by host and path', async () => {
    await open('/http');
    const table = page.getByTestId('http-table');
    await table.getByText('payments.example.test').waitFor(WAIT);
    await table.getByText('/v1/charges').waitFor(WAIT);
    await shot('11-http');
  });

  it('Errors page groups by fingerprint and expands to instances with stack traces', async () => {
    await open('/errors');
    const group = page.getByTestId('error-group').filter({ hasText: 'PaymentDeclinedException' });
    await group.waitFor(WAIT);
    await page.getByTestId('error-group').filter({ hasText: 'Deadlock found' }).waitFor(WAIT);
    await group.click();
    await page.getByTestId('error-detail').getByText('App\\Payment\\Gateway::charge').waitFor(WAIT);
    await shot('12-errors');
  });

  it('Logs page searches messages and filters by level', async () => {
    await open('/logs');
    await page.getByTestId('logs-table').waitFor(WAIT);
    await page.getByRole('combobox', { name: 'Min level' }).selectOption('ERROR');
    await page.getByRole('textbox', { name: 'Text' }).fill('gateway');
    await page.getByRole('button', { name: 'Search' }).click();
    const table = page.getByTestId('logs-table');
    await table.getByText('Payment gateway timeout after 3000 ms').waitFor(WAIT);
    await until('only matching rows', async () => (await table.locator('tbody tr').count()) === 1);
    await shot('13-logs');
  });

  it('Dumps page shows dumped values', async () => {
    await open('/dumps');
    const card = page.getByTestId('dump-card').filter({ hasText: 'CartService.php' });
    await card.waitFor(WAIT);
    assert.match(await card.innerText(), /Cart #1042 before checkout/);
    await shot('14-dumps');
  });

  it('Live page streams new traces, errors, logs and dumps', async () => {
    await open('/live');
    await page.getByTestId('live-status').getByText('connected', { exact: true }).waitFor(WAIT);
    await send(TCP, liveMessages());
    await page.getByTestId('live-trace').filter({ hasText: 'GET /live-check' }).waitFor({ timeout: 30_000 });
    await page.getByTestId('live-error').filter({ hasText: 'Live stream check' }).waitFor({ timeout: 30_000 });
    await page.getByTestId('live-log').filter({ hasText: 'Live log line' }).waitFor({ timeout: 30_000 });
    await page.getByTestId('live-dump').filter({ hasText: 'live dump' }).waitFor({ timeout: 30_000 });
    await shot('15-live');
  });

  it('Compare shows what got slower between two traces', async () => {
    await open('/traces?name=GET%20%2Fproducts%2F%7Bid%7D&service=shop-web&sort=duration');
    const table = page.getByTestId('traces-table');
    await table.locator('tbody tr').first().waitFor(WAIT);
    await page.getByLabel(`select ${IDS.slow} for compare`).check();
    await page.getByLabel(`select ${IDS.fast} for compare`).check();
    await page.getByRole('button', { name: /Compare selected \(2\/2\)/ }).click();
    await page.waitForURL(/\/compare\?a=/);
    const summary = page.getByTestId('compare-summary');
    await summary.waitFor(WAIT);
    // The older (fast) trace is the baseline A; B got slower.
    const duration = await summary.locator('tr', { hasText: 'Duration' }).innerText();
    assert.match(duration, /45\.0 ms\s+480\.0 ms\s+\+435\.0 ms/);
    const diff = page.getByTestId('diff-tree');
    const related = diff.getByTestId('diff-row').filter({ hasText: 'App\\Repository\\ProductRepository::findRelated' });
    await related.waitFor(WAIT);
    assert.match(await related.innerText(), /12\.0 ms\s+420\.0 ms\s+\+408\.0 ms\s+1 → 1/);
    await diff.getByText('App\\Service\\Recommendation::score').waitFor(WAIT);
    await shot('16-compare-tree');
    await page.getByRole('tab', { name: 'Differential flame graph' }).click();
    await page.getByTestId('diff-flame').locator('canvas').waitFor(WAIT);
    await shot('17-compare-flame');
  });

  it('deep links load directly and the page raised no script errors', async () => {
    await open(`/traces/${IDS.big}`);
    await page.getByRole('heading', { name: /GET \/reports\/monthly/ }).waitFor(WAIT);
    // 401s before the token was entered and 404s of the not-found checks are expected answers.
    const unexpected = pageErrors.filter((e) => !/Failed to load resource: .* status of (401|404)/.test(e));
    assert.deepEqual(unexpected, []);
  });

  it('a read-only key sees every view and is told that changing the sampling rate needs an admin key', async (t) => {
    if (!READ_KEY) {
      t.skip('no OPA_API_READ_KEY');
      return;
    }
    await page.evaluate((key) => localStorage.setItem('opa.api.token', key), READ_KEY);
    await open('/');
    await page.getByTestId('services-table').getByText(SERVICES.web).waitFor(WAIT);
    const sampling = page.getByTestId('sampling');
    await sampling.getByText('100%').waitFor(WAIT);
    await sampling.getByLabel('New sampling rate (%)').fill('50');
    await sampling.getByRole('button', { name: 'Set' }).click();
    await sampling.getByText(/needs an admin key/).waitFor(WAIT);
    await shot('18-read-key-sampling-refused');
    assert.equal((await api('/api/sampling')).body.rate, 1, 'the rate did not change');
    await open(`/traces/${IDS.big}`);
    await page.getByRole('heading', { name: /GET \/reports\/monthly/ }).waitFor(WAIT);
    await page.getByRole('button', { name: 'Keep trace' }).click();
    await page.getByRole('button', { name: /needs an admin key/ }).waitFor(WAIT);
  });
});
