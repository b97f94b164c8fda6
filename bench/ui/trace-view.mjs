#!/usr/bin/env node
// Benchmark: how the trace view copes with a 10,000-call-node trace in Debian's Chromium, against a
// running agent (seeded over TCP with ui/e2e/seed.mjs when the trace is missing).
//   OPA_URL=http://127.0.0.1:8080 OPA_TCP=127.0.0.1:9090 node bench/ui/trace-view.mjs [runs]
// Prints median / max over the runs of: API answer for the trace, page load to call tree shown,
// "Expand all" to 10,000 rows, scroll to the end, flame-graph tab, and the longest main-thread task.
import { launch } from '../../ui/e2e/browser.mjs';
import { IDS, BIG_CALL_NODES } from '../../ui/e2e/ids.mjs';
import { seedMessages, send } from '../../ui/e2e/seed.mjs';

const BASE = process.env.OPA_URL ?? 'http://127.0.0.1:8080';
const TCP = process.env.OPA_TCP ?? '127.0.0.1:9090';
const RUNS = Number(process.argv[2] ?? 5);
const TRACE = `/api/traces/${IDS.big}`;

async function ensureSeeded() {
  if ((await fetch(`${BASE}${TRACE}`)).status === 200) return;
  await send(TCP, seedMessages());
  const deadline = Date.now() + 60_000;
  while ((await fetch(`${BASE}${TRACE}`)).status !== 200) {
    if (Date.now() > deadline) throw new Error('seeded trace not stored after 60 s');
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function timed(fn) {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

const stats = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)], max: sorted[sorted.length - 1] };
};

await ensureSeeded();
const browser = await launch();
const results = { api: [], load: [], expandAll: [], scrollEnd: [], flame: [], longestTask: [] };
try {
  for (let run = 0; run < RUNS; run++) {
    results.api.push(await timed(async () => (await fetch(`${BASE}${TRACE}`)).json()));
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.addInitScript(() => {
      window.__longest = 0;
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) window.__longest = Math.max(window.__longest, e.duration);
      }).observe({ type: 'longtask', buffered: true });
    });
    results.load.push(
      await timed(async () => {
        await page.goto(`${BASE}/traces/${IDS.big}?tab=calls`);
        await page.getByTestId('call-row').first().waitFor();
      }),
    );
    results.expandAll.push(
      await timed(async () => {
        await page.getByRole('button', { name: 'Expand all' }).click();
        await page.getByTestId('call-tree-count').getByText(`${BIG_CALL_NODES} rows shown`).waitFor();
      }),
    );
    results.scrollEnd.push(
      await timed(async () => {
        await page.locator('.tree-scroll').evaluate((el) => (el.scrollTop = el.scrollHeight));
        await page.getByText('App\\Http\\ResponseWriter::flush').first().waitFor();
      }),
    );
    results.flame.push(
      await timed(async () => {
        await page.getByRole('tab', { name: 'Flame graph' }).click();
        await page.getByTestId('flame-graph').locator('canvas').waitFor();
        await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      }),
    );
    results.longestTask.push(await page.evaluate(() => window.__longest));
    await page.close();
  }
} finally {
  await browser.close();
}

console.log(`trace view, ${BIG_CALL_NODES} call nodes, ${RUNS} runs (ms)`);
console.log('| step | median | max |\n|---|---|---|');
for (const [step, values] of Object.entries(results)) {
  const { median, max } = stats(values);
  console.log(`| ${step} | ${median.toFixed(0)} | ${max.toFixed(0)} |`);
}
