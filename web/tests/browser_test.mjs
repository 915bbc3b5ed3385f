// Browser test: serves the built site on 127.0.0.1 (web/serve.mjs: COOP/COEP headers, which the
// threaded build will need), loads it in Debian's Chromium through playwright-core
// (never a downloaded browser), and checks DESIGN.md's window.poolkit contract on the classic
// 2x2 window [5, 6, 7, 9], the error path, the page's own run, and that the console stayed clean.
//   node web/tests/browser_test.mjs build-wasm/web [screenshot.png]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { serve } from '../serve.mjs';

const site = path.resolve(process.argv[2] ?? 'build-wasm/web');
const screenshot = path.resolve(process.argv[3] ?? path.join(site, '..', 'browser_test.png'));

const server = await serve(site);
const url = `http://127.0.0.1:${server.address().port}/`;
const profile = await mkdtemp(path.join(tmpdir(), 'poolkit-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  viewport: { width: 1100, height: 700 },
});
const problems = [];
try {
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`); });

  await page.goto(url);
  await page.waitForFunction(() => document.body.dataset.ready === 'true', null, { timeout: 30000 });

  const r = await page.evaluate(async () => {
    await poolkit.ready;
    const x = { x: { shape: [1, 1, 2, 2], data: new Float32Array([5, 6, 7, 9]) } };
    const graph = (op, extra = {}) => ({ inputs: { x: { shape: [1, 1, 2, 2] } },
      nodes: [{ name: 'p', op, inputs: ['x'], kernel_size: [2, 2], ...extra }],
      outputs: extra.return_indices ? ['p', 'p.indices'] : ['p'] });
    const out = {};
    for (const backend of poolkit.backends()) {
      const max = poolkit.run(graph('max_pool2d', { return_indices: true }), x, { backend });
      out[backend] = {
        max: max.p.data[0], maxShape: max.p.shape, maxIsF32: max.p.data instanceof Float32Array,
        index: Number(max['p.indices'].data[0]),
        indexTyped: max['p.indices'].data instanceof Int32Array || max['p.indices'].data instanceof BigInt64Array,
        avg: poolkit.run(graph('avg_pool2d'), x, { backend }).p.data[0],
        l2: poolkit.run(graph('lp_pool2d', { norm_type: 2 }), x, { backend }).p.data[0],
      };
    }
    let error = null;
    try {
      poolkit.run(graph('max_pool2d', { stride: [0, 2] }), x, { backend: 'reference' });
    } catch (e) {
      error = { isError: e instanceof Error, message: e.message };
    }
    return { backends: poolkit.backends(), ops: poolkit.ops().map((o) => o.name), out, error,
      crossOriginIsolated, status: document.getElementById('status').textContent };
  });

  assert.ok(r.backends.includes('reference'), 'backends: ' + r.backends);
  for (const op of ['max_pool2d', 'avg_pool2d', 'lp_pool2d', 'fractional_max_pool2d', 'stochastic_pool2d']) {
    assert.ok(r.ops.includes(op), `poolkit.ops() lacks ${op}`);
  }
  for (const [backend, o] of Object.entries(r.out)) {
    assert.equal(o.max, 9, `${backend}: max`);
    assert.deepEqual(o.maxShape, [1, 1, 1, 1], `${backend}: shape`);
    assert.ok(o.maxIsF32 && o.indexTyped, `${backend}: typed arrays`);
    assert.equal(o.index, 3, `${backend}: argmax`);
    assert.equal(o.avg, 6.75, `${backend}: avg`);
    assert.ok(Math.abs(o.l2 - Math.sqrt(191)) <= 1e-5 * (1 + Math.sqrt(191)), `${backend}: L2 ${o.l2}`);
  }
  assert.ok(r.error && r.error.isError, 'the bad graph must throw an Error');
  assert.match(r.error.message, /^node 'p' \(max_pool2d\): parameter 'stride' \[0, 2\]: must be >= 1$/);
  assert.ok(r.crossOriginIsolated, 'the page must be cross-origin isolated (COOP/COEP)');
  assert.match(r.status, /ms/, `page status: ${r.status}`);

  // Every op in the page's list runs on every backend without an error (kernel 3, stride 2).
  await page.fill('#kernel', '3');
  await page.fill('#stride', '2');
  const opsInPage = await page.$$eval('#op option', (os) => os.map((o) => o.value));
  assert.ok(opsInPage.length >= 14, `the page lists ${opsInPage.length} pooling ops`);
  for (const backend of r.backends) {
    await page.selectOption('#backend', backend);
    for (const op of opsInPage) {
      await page.selectOption('#op', op);
      const status = await page.textContent('#status');
      assert.ok(status.startsWith(`${op} on ${backend}: `), `${op} on ${backend}: ${status}`);
    }
  }
  await page.fill('#kernel', '4');
  await page.fill('#stride', '4');
  await page.selectOption('#backend', r.backends.includes('cpu') ? 'cpu' : 'reference');

  // Drive the page's controls with the keyboard: choose average pooling, run, read the status.
  await page.focus('#op');
  await page.selectOption('#op', 'avg_pool2d');
  await page.focus('#run');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => /avg_pool2d on/.test(document.getElementById('status').textContent));
  const caption = await page.textContent('#output-caption');
  assert.match(caption, /1 × 3 × 75 × 112/, caption);  // 300x451 pooled 4x4 / stride 4
  await page.screenshot({ path: screenshot, fullPage: true });
  assert.deepEqual(problems, [], 'console errors or failed requests');
  console.log(`browser_test: OK (${r.backends.join(', ')}; ${r.ops.length} ops; screenshot ${screenshot})`);
} finally {
  await context.close();
  server.close();
  await rm(profile, { recursive: true, force: true });
}
