// Browser test of the module choice in web/site/poolkit.js, in Debian's Chromium:
//  1. served with COOP/COEP (web/serve.mjs, as scripts/demo.sh does): the page is cross-origin
//     isolated, loads the wasm-threads module (poolkit.build 'simd+threads', maxThreads >= 2), and
//     the cpu backend at 2 threads gives outputs identical to 1 thread, and equal to `reference`
//     (exact for max, DESIGN.md's tolerance for avg and conv), on P1 (max 2x2/s2,
//     1x64x224x224), P3 (avg 2x2/s2) and a small C1-like conv; engine errors still surface as JS
//     Errors (that build catches C++ exceptions differently, see CMakeLists.txt);
//  2. served without those headers: the single-threaded SIMD module ('simd', maxThreads 1), a
//     request for 2 threads runs on 1, same results.
// Both pages must leave the console clean.
//   node web/tests/browser_threads_test.mjs build-wasm/web
import path from 'node:path';
import assert from 'node:assert/strict';
import { serve } from '../serve.mjs';
import { launchChromium, watchedPage } from './chromium.mjs';

const site = path.resolve(process.argv[2] ?? 'build-wasm/web');

// Runs in the page: each workload on reference, cpu x1 and cpu x2 (x2 clamped to maxThreads),
// compared there (the tensors are megabytes; only the verdicts come back).
async function checkInPage() {
  await poolkit.ready;
  function random(n, seed) {  // deterministic values in [-1, 1): a 32-bit LCG
    const a = new Float32Array(n);
    let s = seed >>> 0;
    for (let i = 0; i < n; ++i) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      a[i] = s / 2 ** 31 - 1;
    }
    return a;
  }
  const numel = (shape) => shape.reduce((p, d) => p * d, 1);
  const workloads = [
    { name: 'P1 max 2x2/s2', tol: 0, inputs: { x: [1, 64, 224, 224] },
      node: { op: 'max_pool2d', inputs: ['x'], kernel_size: 2, stride: 2 } },
    { name: 'P3 avg 2x2/s2', tol: 1e-5, inputs: { x: [1, 64, 224, 224] },
      node: { op: 'avg_pool2d', inputs: ['x'], kernel_size: 2, stride: 2 } },
    { name: 'conv 3x3/p1 16->16 + bias', tol: 1e-5, inputs: { x: [1, 16, 40, 40], w: [16, 16, 3, 3], b: [16] },
      node: { op: 'conv2d', inputs: ['x', 'w', 'b'], padding: 1 } },
  ];
  const verdicts = [];
  for (const [k, w] of workloads.entries()) {
    const graph = { inputs: Object.fromEntries(Object.entries(w.inputs).map(([n, shape]) => [n, { shape }])),
      nodes: [{ name: 'y', ...w.node }], outputs: ['y'] };
    const inputs = Object.fromEntries(Object.entries(w.inputs).map(([n, shape], i) =>
      [n, { shape, data: random(numel(shape), 1000 * k + i + 1) }]));
    const ref = poolkit.run(graph, inputs, { backend: 'reference' }).y.data;
    const one = poolkit.run(graph, inputs, { backend: 'cpu', threads: 1 }).y.data;
    const two = poolkit.run(graph, inputs, { backend: 'cpu', threads: 2 }).y.data;
    const ranThreads = poolkit.lastRun.threads;
    let sameAsOne = one.length === two.length, withinRef = ref.length === two.length, worst = 0;
    for (let i = 0; i < two.length; ++i) {
      if (!Object.is(two[i], one[i])) sameAsOne = false;
      const err = Math.abs(two[i] - ref[i]) / (1 + Math.abs(ref[i]));
      worst = Math.max(worst, err);
      if (w.tol === 0 ? !Object.is(two[i], ref[i]) : !(err <= w.tol)) withinRef = false;
    }
    verdicts.push({ name: w.name, length: two.length, ranThreads, sameAsOne, withinRef, worst,
      kernel: poolkit.lastRun.kernels.map((x) => x.variant).join(',') });
  }
  let error = null;
  try {
    poolkit.run({ inputs: { x: { shape: [1, 1, 2, 2] } }, nodes: [{ name: 'p', op: 'max_pool2d', inputs: ['x'],
      kernel_size: 2, stride: [0, 2] }], outputs: ['p'] }, { x: { shape: [1, 1, 2, 2], data: new Float32Array(4) } },
    { backend: 'cpu', threads: 2 });
  } catch (e) {
    error = { isError: e instanceof Error, message: e.message };
  }
  let badThreads = null;
  try {
    poolkit.run({ inputs: {}, nodes: [], outputs: [] }, {}, { threads: 0 });
  } catch (e) {
    badThreads = { isError: e instanceof Error, message: e.message };
  }
  // poolkit.prepare (the timing panel's): compiled once, run again and again, same outputs as run.
  const small = { inputs: { x: { shape: [1, 2, 5, 5] } },
    nodes: [{ name: 'y', op: 'max_pool2d', inputs: ['x'], kernel_size: 3, stride: 2, padding: 1 }], outputs: ['y'] };
  const prepared = poolkit.prepare(small, { x: { shape: [1, 2, 5, 5], data: random(50, 99) } }, { backend: 'cpu', threads: 2 });
  const preparedMs = [prepared.run(), prepared.run(), prepared.run()];
  const prepare = { threads: prepared.threads, allTimed: preparedMs.every((ms) => Number.isFinite(ms) && ms >= 0),
    kernels: prepared.kernels().map((x) => x.variant).join(',') };
  prepared.dispose();
  let badPrepare = null;
  try {
    poolkit.prepare({ ...small, outputs: ['nope'] }, { x: { shape: [1, 2, 5, 5], data: random(50, 99) } });
  } catch (e) {
    badPrepare = { isError: e instanceof Error, message: e.message };
  }
  return { crossOriginIsolated: self.crossOriginIsolated, build: poolkit.build, maxThreads: poolkit.maxThreads,
    verdicts, error, badThreads, prepare, badPrepare };
}

function checkVerdicts(r, label, wantThreads) {
  for (const v of r.verdicts) {
    assert.ok(v.length > 0, `${label} ${v.name}: empty output`);
    assert.equal(v.ranThreads, wantThreads, `${label} ${v.name}: ran on ${v.ranThreads} threads`);
    assert.ok(v.sameAsOne, `${label} ${v.name}: cpu at ${wantThreads} threads differs from 1 thread`);
    assert.ok(v.withinRef, `${label} ${v.name}: cpu differs from reference (worst relative error ${v.worst})`);
  }
  assert.ok(r.error && r.error.isError, `${label}: a bad graph must throw an Error`);
  assert.match(r.error.message, /^node 'p' \(max_pool2d\): parameter 'stride' \[0, 2\]: must be >= 1$/, label);
  assert.ok(r.badThreads && r.badThreads.isError && /threads/.test(r.badThreads.message), `${label}: threads 0 must throw`);
  assert.equal(r.prepare.threads, wantThreads, `${label}: prepare ran on ${r.prepare.threads} threads`);
  assert.ok(r.prepare.allTimed && r.prepare.kernels.length > 0, `${label}: prepare: ${JSON.stringify(r.prepare)}`);
  assert.ok(r.badPrepare && r.badPrepare.isError && /nope/.test(r.badPrepare.message),
    `${label}: prepare of a bad graph must throw an Error naming the fault: ${JSON.stringify(r.badPrepare)}`);
}

const browser = await launchChromium();
const problems = [];
const servers = [];
try {
  // 1. Cross-origin isolated: the threaded module.
  servers.push(await serve(site, 0, { isolated: true }));
  let page = await watchedPage(browser.context, problems);
  await page.goto(`http://127.0.0.1:${servers[0].address().port}/`);
  const isolated = await page.evaluate(checkInPage);
  assert.equal(isolated.crossOriginIsolated, true, 'the page served with COOP/COEP must be cross-origin isolated');
  assert.equal(isolated.build, 'simd+threads', 'an isolated page loads the threads module');
  assert.ok(isolated.maxThreads >= 2, `maxThreads ${isolated.maxThreads}`);
  checkVerdicts(isolated, 'isolated', 2);
  await page.close();

  // 2. Not isolated: the single-threaded module; threads: 2 runs on 1.
  servers.push(await serve(site, 0, { isolated: false }));
  page = await watchedPage(browser.context, problems);
  await page.goto(`http://127.0.0.1:${servers[1].address().port}/`);
  const plain = await page.evaluate(checkInPage);
  assert.equal(plain.crossOriginIsolated, false);
  assert.equal(plain.build, 'simd', 'a page that is not isolated loads the single-threaded module');
  assert.equal(plain.maxThreads, 1);
  checkVerdicts(plain, 'not isolated', 1);
  await page.close();

  assert.deepEqual(problems, [], 'console errors, failed requests or HTTP errors');
  console.log(`browser_threads_test: OK (isolated: ${isolated.build}, maxThreads ${isolated.maxThreads}; ` +
    `not isolated: ${plain.build}; ${isolated.verdicts.map((v) => `${v.name} [${v.kernel}]`).join('; ')})`);
} finally {
  await browser.close();
  for (const s of servers) s.close();
}
