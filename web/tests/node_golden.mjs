// The embind module under node: every golden case (tests/golden/data/manifest.json, PyTorch's
// numbers) on `reference` and on `cpu` (Halide wasm simd128 kernels), with DESIGN.md's tolerance
// rule, plus the classic 2x2 window and the error path. THREADS (default 1) is the `cpu` backend's
// thread count: the wasm-threads module is checked at 2 (Halide's parallel loops on pthreads).
//   node web/tests/node_golden.mjs build-wasm/bin/poolkit_node.js tests/golden/data [THREADS]
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import assert from 'node:assert/strict';
import { readNpy } from './npy.mjs';

const [modulePath, dataDir, threadsArg = '1'] = process.argv.slice(2);
const threads = Number(threadsArg);
if (!Number.isInteger(threads) || threads < 1) throw new Error(`THREADS must be a positive integer, not '${threadsArg}'`);
const require = createRequire(import.meta.url);
// The factory returns the module's `ready` promise (asynchronous compilation: the threaded build)
// or the module itself, whose `ready` resolves once the runtime is up (synchronous compilation).
const made = require(path.resolve(modulePath))();
const pk = await (made.ready ?? made);

function compare(got, want, tol, where) {
  assert.deepEqual(got.shape, want.shape, `${where}: shape`);
  assert.equal(got.data.length, want.data.length, `${where}: length`);
  const exact = tol === 0 || want.data instanceof BigInt64Array;
  for (let i = 0; i < want.data.length; ++i) {
    const a = got.data[i];
    const b = want.data instanceof BigInt64Array ? Number(want.data[i]) : want.data[i];
    if (Number.isNaN(b) && Number.isNaN(a)) continue;
    const ok = exact || !Number.isFinite(b) ? a === b : Math.abs(a - b) <= tol * (1 + Math.abs(b));
    if (!ok) throw new Error(`${where}: element ${i}: got ${a}, want ${b} (tolerance ${tol})`);
  }
}

const manifest = JSON.parse(readFileSync(path.join(dataDir, 'manifest.json'), 'utf8'));
const backends = pk.backends();
const counts = Object.fromEntries(backends.map((b) => [b, { ran: 0, unsupported: 0 }]));
for (const c of manifest.cases) {
  const inputs = {};
  for (const [name, file] of Object.entries(c.inputs)) inputs[name] = readNpy(path.join(dataDir, file));
  // Constants travel inline in the browser (no files there): inline the .npy ones.
  const g = structuredClone(c.graph);
  for (const spec of Object.values(g.constants ?? {})) {
    if (!spec.file) continue;
    const t = readNpy(path.join(dataDir, spec.file));
    delete spec.file;
    Object.assign(spec, { shape: t.shape, data: Array.from(t.data, Number) });
  }
  const graph = JSON.stringify(g);
  for (const b of backends) {
    let result;
    try {
      result = pk.runGraph(graph, inputs, b, threads);
    } catch (e) {
      // A backend without a kernel for some node says so (Error{unsupported}); the oracle must not.
      if (b !== 'reference' && /not supported|unsupported|no kernel|does not implement/i.test(e.message)) {
        counts[b].unsupported++;
        continue;
      }
      throw new Error(`${c.id} on ${b}: ${e.message}`);
    }
    for (const [name, file] of Object.entries(c.expected)) {
      compare(result.outputs[name], readNpy(path.join(dataDir, file)), c.tolerance, `${c.id} on ${b}, output ${name}`);
    }
    counts[b].ran++;
  }
}

// The classic window [5, 6, 7, 9]: max 9, average 6.75, L2 sqrt(191), argmax 3.
const x = { x: { shape: [1, 1, 2, 2], data: new Float32Array([5, 6, 7, 9]) } };
for (const b of backends) {
  const g = (op, extra = {}) => JSON.stringify({ inputs: { x: { shape: [1, 1, 2, 2] } },
    nodes: [{ name: 'p', op, inputs: ['x'], kernel_size: [2, 2], ...extra }], outputs: op === 'max_pool2d' ? ['p', 'p.indices'] : ['p'] });
  const max = pk.runGraph(g('max_pool2d', { return_indices: true }), x, b, 1);
  assert.equal(max.outputs.p.data[0], 9);
  assert.ok(max.outputs['p.indices'].data instanceof Int32Array);
  assert.equal(max.outputs['p.indices'].data[0], 3);
  assert.equal(pk.runGraph(g('avg_pool2d'), x, b, 1).outputs.p.data[0], 6.75);
  assert.ok(Math.abs(pk.runGraph(g('lp_pool2d', { norm_type: 2 }), x, b, 1).outputs.p.data[0] - Math.sqrt(191)) < 1e-5);
}

// Errors: a JS Error carrying the engine's one-line message.
assert.throws(() => pk.runGraph(JSON.stringify({ inputs: { x: { shape: [1, 1, 2, 2] } },
  nodes: [{ name: 'p', op: 'max_pool2d', inputs: ['x'], kernel_size: [2, 2], stride: [0, 2] }], outputs: ['p'] }), x, 'reference', 1),
(e) => e instanceof Error && /^node 'p' \(max_pool2d\): parameter 'stride'/.test(e.message) && !e.message.includes('\n'));
assert.throws(() => pk.runGraph('{not json', x, 'reference', 1), (e) => e instanceof Error && e.message.length > 0);
assert.throws(() => pk.runGraph(JSON.stringify({ inputs: { x: { shape: [1, 1, 2, 2] } },
  nodes: [{ name: 'p', op: 'relu', inputs: ['x'] }], outputs: ['p'] }), x, 'no_such_backend', 1),
  (e) => e instanceof Error && /no_such_backend/.test(e.message));
// Input shapes that are not lists of non-negative integers are named, not cast to some integer.
const relu = JSON.stringify({ inputs: { x: { shape: [1, 1, 2, 2] } }, nodes: [{ name: 'p', op: 'relu', inputs: ['x'] }], outputs: ['p'] });
for (const [dim, shown] of [[NaN, 'NaN'], [1e30, '1e\\+30'], [2.5, '2.5'], [-1, '-1'], ['2', '2'], [null, 'null']]) {
  assert.throws(() => pk.runGraph(relu, { x: { shape: [1, 1, dim, 2], data: new Float32Array(4) } }, 'reference', 1),
    (e) => e instanceof Error && new RegExp(`^input 'x': 'shape' element 2 is ${shown}, not an integer >= 0$`).test(e.message),
    `shape value ${dim}`);
}
assert.ok(pk.ops().some((o) => o.name === 'fractional_max_pool2d'));

// PreparedRun (the benchmarks' resident-input runner): same results, runs repeatedly, same errors.
{
  const g = JSON.stringify({ inputs: { x: { shape: [1, 1, 2, 2] } },
    nodes: [{ name: 'p', op: 'avg_pool2d', inputs: ['x'], kernel_size: [2, 2] }], outputs: ['p'] });
  for (const b of backends) {
    const run = new pk.PreparedRun(g, x, b, threads);
    for (let i = 0; i < 3; ++i) assert.strictEqual(run.run(), undefined);
    assert.equal(run.outputs().p.data[0], 6.75);
    assert.ok(run.kernels().length === 1 && typeof run.kernels()[0].variant === 'string');
    run.delete();
  }
  const wrong = new pk.PreparedRun(g, { x: { shape: [1, 1, 2, 3], data: new Float32Array(6) } }, 'cpu', 1);
  assert.throws(() => wrong.run(), (e) => e instanceof Error && /\[1, 1, 2, 3\]/.test(e.message) && !e.message.includes('\n'));
  wrong.delete();
  assert.throws(() => new pk.PreparedRun(g.replace('avg_pool2d', 'no_such_op'), x, 'cpu', 1),
    (e) => e instanceof Error && /no_such_op/.test(e.message));
}

// Failing calls leave the module as they found it: no exception crosses the wasm code
// (web/bindings.cpp), so the shadow stack pointer and the embind handle count do not move, and a
// good call still works. Before, each failing call leaked ~48 bytes of stack (and, in the
// threads build, 4 handles): ~110k failing calls aborted the module. Every kind of failure:
// engine errors, bad JSON, an unknown backend, malformed JS inputs, PreparedRun's.
{
  const good = JSON.stringify({ inputs: { x: { shape: [1, 1, 2, 2] } },
    nodes: [{ name: 'p', op: 'max_pool2d', inputs: ['x'], kernel_size: 2, return_indices: true }], outputs: ['p', 'p.indices'] });
  const bad = [
    () => pk.runGraph(good.replace('"kernel_size":2', '"kernel_size":2,"stride":0'), x, 'cpu', threads),
    () => pk.runGraph('{not json', x, 'cpu', threads),
    () => pk.runGraph(good, x, 'no_such_backend', threads),
    () => pk.runGraph(good, { x: null }, 'cpu', threads),
    () => pk.runGraph(good, { x: { shape: [1, 1, 2, 2.5], data: new Float32Array(4) } }, 'cpu', threads),
    () => pk.runGraph(good, { x: { shape: [1, 1, NaN, 2], data: new Float32Array(4) } }, 'cpu', threads),
    () => pk.runGraph(good, { x: { shape: [1, 1, '2', 2], data: new Float32Array(4) } }, 'cpu', threads),
    () => pk.runGraph(good, { x: { shape: [1, 1, 2, 1e300], data: new Float32Array(4) } }, 'cpu', threads),
    () => pk.runGraph(good, { x: { shape: [1, 1, 2, 2], data: [5, 6, 7, 9] } }, 'cpu', threads),
    () => pk.runGraph(good, 7, 'cpu', threads),
    () => new pk.PreparedRun(good.replace('max_pool2d', 'no_such_op'), x, 'cpu', threads),
    () => {
      const run = new pk.PreparedRun(good, { x: { shape: [1, 1, 2, 3], data: new Float32Array(6) } }, 'cpu', threads);
      try {
        run.run();
      } finally {
        run.delete();
      }
    },
  ];
  const sp = pk.stackSave();
  const handles = pk.count_emval_handles();
  for (let i = 0; i < 200; ++i) {
    for (const [k, call] of bad.entries()) {
      assert.throws(call, (e) => e instanceof Error && e.constructor === Error && e.message.length > 0 && !e.message.includes('\n'),
        `failing call #${k}`);
    }
  }
  assert.equal(pk.stackSave(), sp, 'failing calls moved the stack pointer');
  assert.equal(pk.count_emval_handles(), handles, 'failing calls leaked embind handles');
  for (const b of backends) {
    const r = pk.runGraph(good, x, b, threads).outputs;
    assert.equal(r.p.data[0], 9);
    assert.equal(r['p.indices'].data[0], 3);
  }
}

console.log(`node_golden: ${manifest.cases.length} golden cases at ${threads} thread(s); ` +
  Object.entries(counts).map(([b, n]) => `${b}: ${n.ran} ran, ${n.unsupported} unsupported`).join('; ') + '; 2x2 window and error path OK');
if (backends.includes('cpu') && counts.cpu.ran === 0) throw new Error('cpu backend ran no golden case');
// A threaded module's pthread workers keep node's event loop alive: leave explicitly.
process.exit(0);
