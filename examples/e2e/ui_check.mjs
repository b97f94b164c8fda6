// The dashboard shows what the demo application produced: the services page lists both demo services,
// and the /products trace (deep link) shows its waterfall, call tree and SQL tab with the N+1 badge.
// Usage: node ui_check.mjs <agent base url> <e2e.json from run_e2e.py> <screenshot dir>
import { createRequire } from 'node:module';
import { readFileSync, mkdirSync } from 'node:fs';
import assert from 'node:assert/strict';

const require = createRequire(new URL('../../ui/package.json', import.meta.url));
const { chromium } = require('playwright-core');
const [base, resultFile, shots] = process.argv.slice(2);
const { products_trace: traceId } = JSON.parse(readFileSync(resultFile, 'utf8'));
assert.ok(traceId, 'run_e2e.py found no /products trace');
mkdirSync(shots, { recursive: true });

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const WAIT = { timeout: 20000 };
let failed = 0;
async function check(name, fn) {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  try {
    await fn(page);
    console.log(`PASS ui ${name}`);
  } catch (e) {
    failed++;
    console.log(`FAIL ui ${name}: ${e.message.split('\n')[0]}`);
  } finally {
    await page.screenshot({ path: `${shots}/${name}.png`, fullPage: true }).catch(() => {});
    await page.close();
  }
}

await check('services', async (page) => {
  await page.goto(`${base}/`);
  const table = page.getByTestId('services-table');
  await table.getByText('demo-frontend').waitFor(WAIT);
  await table.getByText('demo-backend').waitFor(WAIT);
});

await check('products-trace', async (page) => {
  await page.goto(`${base}/traces/${traceId}`);
  await page.getByTestId('waterfall').waitFor(WAIT);
  await page.getByText(/^Call tree \(\d+\)$/).click();
  await page.getByTestId('call-tree').getByText('productsWithReviews', { exact: false }).first().waitFor(WAIT);
  await page.getByText(/^SQL \(\d+\)/).click();
  await page.getByText('N+1').first().waitFor(WAIT);
  await page.getByText('FROM reviews WHERE product_id = ?', { exact: false }).first().waitFor(WAIT);
});

await browser.close();
console.log(`ui: ${2 - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
