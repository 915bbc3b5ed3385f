// Runs a batch of graphs through the browser build and writes their outputs as .npy files: the
// wasm side of tests/golden/random_vs_torch.py (which draws the graphs, spawns this script once
// per batch — module and browser start-up are slow — and compares the files with PyTorch).
//
//   node web/tests/batch_runner.mjs node MODULE.js BATCH.json RESULTS.jsonl
//       the embind module under node (build-wasm/bin/poolkit_node.js, or the wasm-threads
//       build-wasm-threads/bin/poolkit_node_threads.js): each case through runGraph(graphJson,
//       inputs, backend, threads) (web/bindings.cpp);
//   node web/tests/batch_runner.mjs chromium SITE_DIR BATCH.json RESULTS.jsonl [--isolated]
//       the demo page (build-wasm/web) in Debian's Chromium (web/tests/chromium.mjs), served by
//       web/serve.mjs without COOP/COEP (the page loads the SIMD module) or, with --isolated,
//       with them (the wasm-threads module): each case through DESIGN.md's contract,
//       window.poolkit.run(graph, inputs, {backend, threads}).
//
// BATCH.json: {"cases": [{"id", "graph" (a graph JSON object; constants inline with "data"),
//   "inputs": {name: "in.npy"}, "as": {name: "Int32Array" | "BigInt64Array" | "Float64Array" |
//   "Array"} (how to hand an input over; default Float32Array, BigInt64Array for <i8 files),
//   "outputs": {name: "out.npy"}, "backend", "threads", "expect_error": bool}]}.
// .npy files: little-endian <f4 / <f8 / <i8, C order; outputs are written <f4, or <i8 for an
// Int32Array / BigInt64Array (indices).
// RESULTS.jsonl: one line per case, appended as soon as it ran (so a caller can tell which case
// killed or hung the process): {"id", "ok": true, "types": {name: "Float32Array" | ...},
// "build", "threads", "variants": the kernel variant of each step} or {"id", "ok": false, "error": message, "errorClass": the thrown object's
// constructor name, "build", "threads"}. Console errors and page errors in Chromium are returned
// with the case that was running ("problems"). Exit status 0 unless the runner itself failed.
import { createRequire } from 'node:module';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { npyBytes, readNpy } from './npy.mjs';

const [mode, target, batchFile, resultsFile, ...flags] = process.argv.slice(2);
if (!['node', 'chromium'].includes(mode) || !target || !batchFile || !resultsFile) {
  console.error('usage: batch_runner.mjs node MODULE.js | chromium SITE_DIR [--isolated]  BATCH.json RESULTS.jsonl');
  process.exit(2);
}
const batch = JSON.parse(readFileSync(batchFile, 'utf8'));

// An input's data in the form the case asks for.
function present(t, as) {
  switch (as ?? (t.data instanceof BigInt64Array ? 'BigInt64Array' : 'Float32Array')) {
    case 'Float32Array': return t.data instanceof Float32Array ? t.data : Float32Array.from(t.data, Number);
    case 'Float64Array': return Float64Array.from(t.data, Number);
    case 'Int32Array': return Int32Array.from(t.data, Number);
    case 'BigInt64Array': return t.data instanceof BigInt64Array ? t.data : BigInt64Array.from(t.data, (v) => BigInt(v));
    case 'Array': return Array.from(t.data, Number);
    default: throw new Error(`unknown input form '${as}'`);
  }
}

function record(line) {
  appendFileSync(resultsFile, JSON.stringify(line) + '\n');
}

function store(c, outputs) {
  const types = {};
  for (const [name, file] of Object.entries(c.outputs)) {
    const t = outputs[name];
    if (!t) throw new Error(`output '${name}' missing from the result (got ${Object.keys(outputs).join(', ')})`);
    types[name] = t.data.constructor.name;
    writeFileSync(file, npyBytes(t.shape, t.data));
  }
  return types;
}

async function runNode() {
  const require = createRequire(import.meta.url);
  const made = require(path.resolve(target))();
  const pk = await (made.ready ?? made);
  const build = typeof pk.poolkitMaxThreads === 'number' ? 'simd+threads' : 'simd';
  for (const c of batch.cases) {
    const inputs = {};
    for (const [name, file] of Object.entries(c.inputs)) {
      const t = readNpy(file);
      inputs[name] = { shape: t.shape, data: present(t, c.as?.[name]) };
    }
    let outputs, kernels;
    try {
      ({ outputs, kernels } = pk.runGraph(JSON.stringify(c.graph), inputs, c.backend, c.threads ?? 1));
    } catch (e) {
      record({ id: c.id, ok: false, error: String(e?.message ?? e), errorClass: e?.constructor?.name ?? typeof e, build, threads: c.threads });
      continue;
    }
    record({ id: c.id, ok: true, types: store(c, outputs), build, threads: c.threads, variants: kernels.map((k) => k.variant) });
  }
}

// In the page: tensors cross evaluate() as base64 of their bytes.
const b64 = (a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');

async function runChromium() {
  const { serve } = await import('../serve.mjs');
  const { launchChromium, watchedPage } = await import('./chromium.mjs');
  const isolated = flags.includes('--isolated');
  const server = await serve(path.resolve(target), 0, { isolated });
  const browser = await launchChromium();
  const problems = [];
  try {
    const page = await watchedPage(browser.context, problems);
    await page.goto(`http://127.0.0.1:${server.address().port}/`);
    await page.waitForFunction(() => window.poolkit && window.poolkit.ready, null, { timeout: 60000 });
    const info = await page.evaluate(async () => {
      await poolkit.ready;
      return { build: poolkit.build, maxThreads: poolkit.maxThreads };
    });
    if (info.build !== (isolated ? 'simd+threads' : 'simd')) {
      throw new Error(`the page loaded the '${info.build}' module (isolated: ${isolated})`);
    }
    let seen = 0;  // problems already reported (the first case also gets the page load's)
    for (const c of batch.cases) {
      const inputs = {};
      for (const [name, file] of Object.entries(c.inputs)) {
        const t = readNpy(file);
        const data = present(t, c.as?.[name]);
        inputs[name] = Array.isArray(data) ? { shape: t.shape, array: data }
          : { shape: t.shape, type: data.constructor.name, bytes: b64(data) };
      }
      const r = await page.evaluate(async ({ graph, inputs, backend, threads }) => {
        await poolkit.ready;
        const types = { Float32Array, Float64Array, Int32Array, BigInt64Array };
        const decode = (s, type) => {
          const bin = atob(s);
          const bytes = new Uint8Array(bin.length);
          for (let i = 0; i < bin.length; ++i) bytes[i] = bin.charCodeAt(i);
          return new types[type](bytes.buffer);
        };
        const encode = (a) => {
          const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
          let s = '';
          for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
          return btoa(s);
        };
        const ins = Object.fromEntries(Object.entries(inputs).map(([k, t]) =>
          [k, { shape: t.shape, data: t.array ?? decode(t.bytes, t.type) }]));
        try {
          const out = poolkit.run(graph, ins, threads === undefined ? { backend } : { backend, threads });
          return { ok: true, threads: poolkit.lastRun.threads, variants: poolkit.lastRun.kernels.map((k) => k.variant), outputs: Object.fromEntries(Object.entries(out).map(([k, t]) =>
            [k, { shape: t.shape, type: t.data.constructor.name, bytes: encode(t.data) }])) };
        } catch (e) {
          return { ok: false, error: String(e?.message ?? e), errorClass: e?.constructor?.name ?? typeof e };
        }
      }, { graph: c.graph, inputs, backend: c.backend, threads: c.threads });
      const extra = problems.length > seen ? { problems: problems.slice(seen) } : {};
      seen = problems.length;
      if (!r.ok) {
        record({ id: c.id, ok: false, error: r.error, errorClass: r.errorClass, build: info.build, ...extra });
        continue;
      }
      const outputs = Object.fromEntries(Object.entries(r.outputs).map(([k, t]) => {
        const b = Buffer.from(t.bytes, 'base64');
        const bytes = b.buffer.slice(b.byteOffset, b.byteOffset + b.length);
        return [k, { shape: t.shape, data: new { Float32Array, Int32Array, BigInt64Array, Float64Array }[t.type](bytes) }];
      }));
      record({ id: c.id, ok: true, types: store(c, outputs), build: info.build, threads: r.threads, variants: r.variants, ...extra });
    }
  } finally {
    await browser.close();
    server.close();
  }
}

await (mode === 'node' ? runNode() : runChromium());
// A threaded module's pthread workers keep node's event loop alive: leave explicitly.
process.exit(0);
