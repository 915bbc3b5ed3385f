// Browser test of the demo page: serves the built site on 127.0.0.1 (web/serve.mjs), loads it in
// Debian's Chromium through playwright-core (never a downloaded browser), and
//   - checks DESIGN.md's window.poolkit contract (the 2x2 window [5, 6, 7, 9], the error path);
//   - drives every panel's controls like a user (mouse, keyboard, file upload, drag and drop) and
//     checks the numbers the page shows against the native `poolkit run` on the same graph and
//     input (the reference backend; DESIGN.md tolerances);
//   - fails on any console error or warning, failed request or page error;
//   - saves a screenshot of the whole page and of each panel as test artifacts.
//   node web/tests/browser_test.mjs SITE_DIR POOLKIT_CLI SCREENSHOT_DIR
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { serve } from '../serve.mjs';
import { assertClose, runNative } from './native.mjs';

const site = path.resolve(process.argv[2] ?? 'build-wasm/web');
const cli = path.resolve(process.argv[3] ?? 'build/bin/poolkit');
const shots = path.resolve(process.argv[4] ?? 'build-wasm/screenshots');
await mkdir(shots, { recursive: true });

const server = await serve(site);
const url = `http://127.0.0.1:${server.address().port}/`;
const profile = await mkdtemp(path.join(tmpdir(), 'poolkit-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  viewport: { width: 1366, height: 860 },
});
const problems = [];
const page = context.pages()[0] ?? (await context.newPage());
page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`); });
page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
page.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`); });

// The page's last run of a panel. Tensors cross evaluate() as base64 of their bytes (plain arrays
// of a picture's 400k numbers take seconds to serialize).
async function lastRun(panel) {
  const run = await page.evaluate((panel) => {
    const last = window.poolkitDemo[panel].last;
    if (!last) return null;
    const base64 = (a) => {
      const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
      let s = '';
      for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      return btoa(s);
    };
    const plain = (ts) => Object.fromEntries(Object.entries(ts).map(([k, t]) =>
      [k, { shape: t.shape, type: t.data.constructor.name, bytes: base64(t.data) }]));
    return { graph: last.graph, inputs: plain(last.inputs), outputs: plain(last.outputs) };
  }, panel);
  if (!run) return null;
  const decode = (ts) => Object.fromEntries(Object.entries(ts).map(([k, t]) => {
    const b = Buffer.from(t.bytes, 'base64');
    const bytes = b.buffer.slice(b.byteOffset, b.byteOffset + b.length);
    const data = { Float32Array, Int32Array, BigInt64Array }[t.type];
    assert.ok(data, `${k}: unexpected array type ${t.type}`);
    return [k, { shape: t.shape, data: Array.from(new data(bytes), Number) }];
  }));
  return { graph: run.graph, inputs: decode(run.inputs), outputs: decode(run.outputs) };
}

// Checks a panel's last run against the native CLI: every output, exact where `exact(name)`.
async function checkAgainstNative(panel, what, exact) {
  const run = await lastRun(panel);
  assert.ok(run, `${what}: the ${panel} panel has no successful run (status: ${await page.textContent('#status')})`);
  const native = runNative(cli, run.graph, run.inputs);
  for (const name of run.graph.outputs) assertClose(`${what}: output ${name}`, run.outputs[name], native[name], exact(name));
  return { run, native };
}

async function step(name, body) {
  const t0 = Date.now();
  try {
    await body();
    console.log(`  ok: ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  } catch (e) {
    await page.screenshot({ path: path.join(shots, 'failure.png'), fullPage: true }).catch(() => {});
    throw new Error(`${name}: ${e.message}`);
  }
}

// Sets a control the way a user does (typing fires 'input'; selects and checkboxes fire 'change'),
// then waits for the page's status to describe a finished run.
async function setControls(values) {
  for (const [id, v] of Object.entries(values)) {
    const kind = await page.$eval(`#${id}`, (e) => (e.tagName === 'SELECT' ? 'select' : e.type));
    if (kind === 'select') await page.selectOption(`#${id}`, String(v));
    else if (kind === 'checkbox') await page.setChecked(`#${id}`, Boolean(v));
    else await page.fill(`#${id}`, String(v));
  }
}

const started = Date.now();
try {
  await page.goto(url);
  await page.waitForFunction(() => document.body.dataset.ready === 'true', null, { timeout: 30000 });
  const interactiveMs = Date.now() - started;

  await step('window.poolkit contract on the classic window [5, 6; 7, 9], every backend', async () => {
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
      // Input data beyond the contract's Float32Array: plain (nested) arrays and Float64Array
      // convert to float32; an int64 input takes an array of integers; the rest is one Error line.
      const viaTypes = {};
      for (const [label, data] of [['Array', [5, 6, 7, 9]], ['nested Array', [[[[5, 6], [7, 9]]]]],
        ['Float64Array', new Float64Array([5, 6, 7, 9])]]) {
        const o = poolkit.run(graph('max_pool2d', { return_indices: true }), { x: { shape: [1, 1, 2, 2], data } });
        viaTypes[label] = [o.p.data[0], Number(o['p.indices'].data[0])];
      }
      const unpool = poolkit.run({ inputs: { v: { shape: [1, 1, 1, 1] }, i: { shape: [1, 1, 1, 1], dtype: 'int64' } },
        nodes: [{ name: 'u', op: 'max_unpool2d', inputs: ['v', 'i'], kernel_size: 2 }], outputs: ['u'] },
      { v: { shape: [1, 1, 1, 1], data: [9] }, i: { shape: [1, 1, 1, 1], data: [3] } });
      viaTypes.unpool = [...unpool.u.data];
      const badInputs = [];
      for (const data of [[5, '6', 7, 9], 'abcd', new Uint8Array(4), undefined]) {
        try {
          poolkit.run(graph('avg_pool2d'), { x: { shape: [1, 1, 2, 2], data } });
          badInputs.push(null);
        } catch (e) {
          badInputs.push({ isError: e instanceof Error, message: e.message });
        }
      }
      // Failing calls of every kind, many times, leave the engine usable (web/bindings.cpp: no
      // exception crosses the wasm code): the next good call gives the classic numbers.
      let failures = 0;
      const failing = [
        () => poolkit.run(graph('max_pool2d', { stride: 0 }), x, { backend: 'cpu' }),
        () => poolkit.run('{not json', x),
        () => poolkit.run(graph('max_pool2d'), x, { backend: 'vulkan' }),
        () => poolkit.run(graph('max_pool2d'), { x: { shape: [1, 1, 2, 2.5], data: new Float32Array(4) } }),
        () => poolkit.run(graph('max_pool2d'), { x: { shape: [1, 1, 4, 4], data: new Float32Array(16) } }),
        () => poolkit.run(graph('max_pool2d'), { y: x.x }),
        () => poolkit.run(undefined, x),
        () => poolkit.run(graph('max_pool2d'), x, null),
        () => poolkit.run(graph('max_pool2d'), x, { backend: 5 }),
      ];
      for (let i = 0; i < 500; ++i) {
        for (const f of failing) {
          try {
            f();
          } catch (e) {
            if (e.constructor === Error && !e.message.includes('\n')) failures++;
          }
        }
      }
      const after = poolkit.run(graph('max_pool2d', { return_indices: true }), x, { backend: 'cpu' });
      // Constants inline: a plain array, nested arrays, a Float32Array give the same conv.
      const viaConstants = {};
      for (const [label, w] of [['Array', [1, 0, 0, -1]], ['nested Array', [[[[1, 0], [0, -1]]]]],
        ['Float32Array', new Float32Array([1, 0, 0, -1])]]) {
        const o = poolkit.run({ inputs: { x: { shape: [1, 1, 2, 2] } }, constants: { w: { shape: [1, 1, 2, 2], data: w } },
          nodes: [{ name: 'c', op: 'conv2d', inputs: ['x', 'w'] }], outputs: ['c'] }, x, { backend: 'cpu' });
        viaConstants[label] = [...o.c.data];
      }
      const afterErrors = { failures, expected: 500 * failing.length, max: after.p.data[0], index: Number(after['p.indices'].data[0]) };
      return { backends: poolkit.backends(), ops: poolkit.ops().map((o) => o.name), out, error, viaTypes, badInputs, afterErrors, viaConstants };
    });
    for (const [label, got] of Object.entries(r.viaTypes)) {
      assert.deepEqual(got, label === 'unpool' ? [0, 0, 0, 9] : [9, 3], `poolkit.run with ${label} data`);
    }
    for (const b of r.badInputs) {
      assert.ok(b && b.isError && /^input 'x': /.test(b.message) && !b.message.includes('\n'), `bad input data: ${JSON.stringify(b)}`);
    }
    assert.ok(r.backends.includes('reference') && r.backends.includes('cpu'), 'backends: ' + r.backends);
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
    for (const [label, got] of Object.entries(r.viaConstants)) assert.deepEqual(got, [5 - 9], `constant data as ${label}`);
    assert.deepEqual(r.afterErrors, { failures: r.afterErrors.expected, expected: r.afterErrors.expected, max: 9, index: 3 },
      'failing calls, then a good one');
    assert.ok(r.error && r.error.isError, 'the bad graph must throw an Error');
    assert.match(r.error.message, /^node 'p' \(max_pool2d\): parameter 'stride' \[0, 2\]: must be >= 1$/);
  });

  await step('the 4x4 patch widget shows the classic numbers, and agrees with the native engine', async () => {
    const shown = () => page.evaluate(() => Object.fromEntries(['max', 'avg', 'l2', 'stochastic', 'expected'].map(
      (k) => [k, Array.from(document.querySelectorAll(`#patch-${k} span`), (s) => ({ value: Number(s.dataset.value), text: s.textContent }))])));
    let s = await shown();
    assert.deepEqual(s.max.map((c) => c.value), [9, 3, 4, 8]);
    assert.deepEqual(s.avg.map((c) => c.value), [6.75, 1.5, 0, 8]);
    assert.equal(s.l2[0].text, '√191 ≈ 13.82');
    [191, 14, 30, 256].forEach((sq, i) => assert.ok(Math.abs(s.l2[i].value - Math.sqrt(sq)) <= 1e-5 * (1 + Math.sqrt(sq)), `L2 window ${i}`));
    // The seeded pick is one of its window's positive values; the inference value is Σ p·x.
    [[5, 6, 7, 9], [1, 2, 0, 3], [-2, 4, 1, -3], [8, 8, 8, 8]].forEach((win, i) => {
      assert.ok(win.filter((v) => v > 0).includes(s.stochastic[i].value), `stochastic window ${i}: ${s.stochastic[i].value}`);
      const wsum = win.reduce((a, v) => a + Math.max(v, 0), 0);
      const expected = win.reduce((a, v) => a + Math.max(v, 0) * v, 0) / wsum;
      assert.ok(Math.abs(s.expected[i].value - expected) <= 1e-5 * (1 + expected), `expected window ${i}`);
    });
    await checkAgainstNative('patch', 'patch', (n) => !['avg', 'l2', 'expected'].includes(n));
    // Type into the patch with the keyboard: the 9 becomes -1, so 7 wins the first window.
    await page.click('#patch-grid input:nth-child(6)');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('-1');
    await page.fill('#patch-seed', '12345');
    s = await shown();
    assert.equal(s.max[0].value, 7, 'max after typing -1 over the 9');
    await checkAgainstNative('patch', 'patch after typing', (n) => !['avg', 'l2', 'expected'].includes(n));
  });

  // The picture panel: each op with non-default parameters, checked against the native engine.
  const cases = [
    { op: 'max_pool2d', kernel_size: 3, stride: 2, padding: 1, dilation: 2, ceil_mode: true },
    { op: 'avg_pool2d', kernel_size: 3, stride: 2, padding: 1, ceil_mode: true, count_include_pad: false },
    { op: 'lp_pool2d', kernel_size: 4, stride: 3, norm_type: 3, ceil_mode: false },
    { op: 'stochastic_pool2d', kernel_size: 3, stride: 3, padding: 1, training: true, seed: 7 },
    { op: 'stochastic_pool2d', kernel_size: 2, stride: 2, padding: 0, training: false },
    { op: 'fractional_max_pool2d', kernel_size: 2, output_ratio: 0.6, seed: 3 },
    { op: 'adaptive_max_pool2d', output_size: 17 },
    { op: 'adaptive_avg_pool2d', output_size: 9 },
    { op: 'max_unpool2d', kernel_size: 2, stride: 2, padding: 1 },
    { op: 'global_max_pool' }, { op: 'global_avg_pool' }, { op: 'global_lp_pool', norm_type: 2 },
    { op: 'max_pool1d', kernel_size: 5, stride: 3, padding: 2, dilation: 1, ceil_mode: true },
    { op: 'avg_pool1d', kernel_size: 4, stride: 4, padding: 2, count_include_pad: true, ceil_mode: false },
    { op: 'lp_pool1d', kernel_size: 3, stride: 2, norm_type: 2, ceil_mode: false },
  ];
  for (const backend of ['cpu', 'reference']) {
    await step(`picture panel, every pooling op on ${backend}, vs native`, async () => {
      await setControls({ backend });
      const opsInPage = await page.$$eval('#op option', (os) => os.map((o) => o.value));
      assert.equal(opsInPage.length, 14, `the page lists ${opsInPage.length} pooling ops`);
      for (const c of cases) {
        await setControls(c);
        const status = await page.textContent('#status');
        assert.ok(status.startsWith(`${c.op} on ${backend}, 1 thread: `), `${c.op}: ${status}`);
        const { run } = await checkAgainstNative('explore', `${c.op} on ${backend}`,
          (name) => /max|unpool/.test(c.op) || name.endsWith('.indices') || (c.op === 'stochastic_pool2d' && c.training));
        // The caption shows the output shape the engine produced.
        const caption = await page.textContent('#output-caption');
        assert.ok(caption.startsWith(`output: ${run.outputs.y.shape.join(' × ')}`), `${c.op}: caption ${caption}`);
      }
    });
  }
  assert.ok(cases.map((c) => c.op).length >= 14);

  await step('bad parameters show the engine\'s one-line error, and the page recovers', async () => {
    await setControls({ op: 'max_pool2d', kernel_size: 2, stride: 2, padding: 2, dilation: 1 });
    const status = await page.textContent('#status');
    assert.match(status, /^error: node 'y' \(max_pool2d\): .*padding/, status);
    await setControls({ padding: 0 });
    assert.match(await page.textContent('#status'), /^max_pool2d on reference/);
  });

  await step('max pooling: argmax map, and the inspected window follows the keyboard', async () => {
    await setControls({ backend: 'cpu', op: 'max_pool2d', kernel_size: 8, stride: 8, padding: 0, dilation: 1, ceil_mode: false });
    assert.equal(await page.isVisible('#argmax'), true, 'the argmax map is shown for max pooling');
    assert.match(await page.textContent('#argmax-caption'), /won a window/);
    await page.focus('#output');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowDown');
    const text = await page.textContent('#inspect');
    assert.match(text, /^output pixel \(row 1, column 1\): R [\d.]+, G [\d.]+, B [\d.]+ ← input rows 8…15, columns 8…15; winners R \(\d+, \d+\)/, text);
    // The value shown is the native engine's output at that pixel.
    const { native } = await checkAgainstNative('explore', 'argmax case', () => true);
    const [, , oh, ow] = native.y.shape;
    const r = Number(/R ([\d.]+)/.exec(text)[1]);
    assert.ok(Math.abs(r - native.y.data[1 * ow + 1]) < 6e-4, `shown R ${r}, native ${native.y.data[1 * ow + 1]}`);
    assert.ok(oh > 1);
    await setControls({ op: 'avg_pool2d' });
    assert.equal(await page.isVisible('#argmax'), false, 'no argmax map for average pooling');
    await setControls({ op: 'max_pool2d' });
  });

  await step('pictures: samples, upload, drag and drop, and a file that is not an image', async () => {
    await setControls({ image: 'coffee' });
    await page.waitForFunction(() => /coffee/i.test(document.getElementById('input-caption').textContent));
    assert.match(await page.textContent('#input-caption'), /1 × 3 × 400 × 600/);
    await setControls({ image: 'pattern' });
    await page.waitForFunction(() => /256 × 256/.test(document.getElementById('input-caption').textContent));
    await page.setInputFiles('#upload', path.join(site, 'photos', 'camera.png'));
    await page.waitForFunction(() => /camera\.png/.test(document.getElementById('input-caption').textContent));
    assert.match(await page.textContent('#input-caption'), /1 × 3 × 512 × 512/);
    await checkAgainstNative('explore', 'uploaded picture', () => true);
    const drop = await page.evaluateHandle(async () => {
      const blob = await (await fetch('chelsea.png')).blob();
      const dt = new DataTransfer();
      dt.items.add(new File([blob], 'dropped-cat.png', { type: 'image/png' }));
      return dt;
    });
    await page.dispatchEvent('#dropzone', 'drop', { dataTransfer: drop });
    await page.waitForFunction(() => /dropped-cat\.png/.test(document.getElementById('input-caption').textContent));
    await page.setInputFiles('#upload', { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a picture') });
    await page.waitForFunction(() => /not an image/.test(document.getElementById('status').textContent));
    assert.match(await page.textContent('#status'), /^error: 'notes\.txt' is not an image/);
    await setControls({ image: 'chelsea' });
    await page.waitForFunction(() => /Chelsea/.test(document.getElementById('input-caption').textContent));
    assert.match(await page.textContent('#status'), /^max_pool2d on cpu/);
  });

  await step('translation invariance: max pooling keeps more of its output than averaging', async () => {
    await page.fill('#shift-kernel', '4');
    const shares = await page.$$eval('#shift-bars [data-kind]', (es) => es.map((e) => ({ kind: e.dataset.kind, share: Number(e.dataset.share) })));
    assert.equal(shares.length, 12, 'three bars per shift of 1..4 px');
    for (const s of shares) assert.ok(s.share >= 0 && s.share <= 1, JSON.stringify(s));
    const at1 = Object.fromEntries(shares.slice(0, 3).map((s) => [s.kind, s.share]));
    assert.ok(at1.max > at1.avg, `1 px: max keeps ${at1.max}, average ${at1.avg}`);
    await page.focus('#shift-amount');
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.textContent('#shift-amount-out'), '2 px');
  });

  await step('conv -> relu -> max pool: every feature map, vs native', async () => {
    const status = await page.textContent('#pipeline-status');
    assert.match(status, /every stage as an output: [\d.]+ ms \(conv [\d.]+ ms \+ relu [\d.]+ ms \+ pool [\d.]+ ms\)/, status);
    assert.match(status, /only the pooled maps as output: [\d.]+ ms/, status);
    await checkAgainstNative('pipeline', 'pipeline', () => false);  // every stage carries conv rounding
    const drawn = await page.$$eval('#pipeline-maps canvas', (cs) => cs.filter((c) => c.width > 1).length);
    assert.equal(drawn, 12, 'four filters x three stages drawn');
  });

  await step('timing table: every backend, medians', async () => {
    await page.fill('#timing-runs', '3');
    await page.click('#timing-go');
    await page.waitForSelector('#timing-table table', { timeout: 60000 });
    const rows = await page.$$eval('#timing-table tr[data-backend]', (rs) => rs.map((r) => ({
      backend: r.dataset.backend, cells: [...r.querySelectorAll('td')].slice(2, 6).map((td) => Number(td.textContent)) })));
    assert.deepEqual([...new Set(rows.map((r) => r.backend))], ['reference', 'cpu'], 'timing rows');
    for (const { backend, cells: [median, min, max, perSample] } of rows) {
      assert.ok(min > 0 && min <= median && median <= max, `${backend}: min ${min}, median ${median}, max ${max}`);
      assert.ok(Number.isInteger(perSample) && perSample >= 1, `${backend}: ${perSample} runs per sample`);
    }
  });

  const shown = await page.evaluate(() => [...document.querySelectorAll('section')].map((s) => s.id));
  for (const id of shown) await page.locator(`#${id}`).screenshot({ path: path.join(shots, `${id}.png`) });
  await page.screenshot({ path: path.join(shots, 'page.png'), fullPage: true });
  assert.deepEqual(problems, [], 'console errors or failed requests');
  console.log(`browser_test: OK (interactive after ${interactiveMs} ms; screenshots in ${shots})`);
} finally {
  await context.close();
  server.close();
  await rm(profile, { recursive: true, force: true });
}
