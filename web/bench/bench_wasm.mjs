// poolkit's wasm build vs TensorFlow.js's wasm backend (tfjs-backend-wasm: XNNPACK), in node and
// in headless Chromium, in one run: DESIGN.md's P1-P4 and C1 (native/bench/*.json), 1 thread
// (poolkit's SIMD module vs tfjs's SIMD build, setThreadsCount(1)) and 2 threads (poolkit's
// wasm-threads module vs tfjs's threaded SIMD build, setThreadsCount(2); Chromium only for tfjs:
// tfjs-backend-wasm never uses threads under node). What is timed and how: bench_core.mjs.
// Prints a side-by-side table (medians; ratio < 1: poolkit faster), or JSON lines with --json.
//   node web/bench/bench_wasm.mjs [--json] [--quick] [--only p1,c1] [--env node,chromium]
//                                 [--threads 1,2] [--samples N] [--tiering]
// Chromium runs with --js-flags=--no-liftoff: V8 first runs wasm from its baseline compiler and
// swaps in optimized code when a background compile of a hot function finishes, which on this
// loaded 2-vCPU machine took anywhere from under a second to several (poolkit's P1 kernel: 1.07
// ms/call before, 0.57 after), so default-flag timings say more about when that compile ran
// than about either library. Without Liftoff both are compiled optimized up front, as they are
// in steady state. --tiering keeps V8's default (baseline first, then optimized).
// Run through scripts/bench_wasm.sh (builds everything and installs tfjs from the lockfile first).
import { createRequire } from 'node:module';
import { cp, mkdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WORKLOADS, benchWorkload } from './bench_core.mjs';
import { serve } from '../serve.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const require = createRequire(import.meta.url);

function usage(message) {
  console.error(`bench_wasm: error: ${message}`);
  process.exit(2);
}

const opts = { json: false, quick: false, only: null, envs: ['node', 'chromium'], threads: [1, 2], samples: 15, tiering: false };
for (let i = 2; i < process.argv.length; ++i) {
  const a = process.argv[i];
  const value = () => process.argv[++i] ?? usage(`${a} needs a value`);
  if (a === '--json') opts.json = true;
  else if (a === '--quick') opts.quick = true;
  else if (a === '--only') opts.only = value().split(',').filter(Boolean);
  else if (a === '--env') opts.envs = value().split(',').filter(Boolean);
  else if (a === '--threads') opts.threads = value().split(',').map(Number);
  else if (a === '--samples') opts.samples = Number(value());
  else if (a === '--tiering') opts.tiering = true;
  else usage(`unknown argument '${a}'`);
}
for (const e of opts.envs) if (!['node', 'chromium'].includes(e)) usage(`--env: unknown environment '${e}' (node, chromium)`);
for (const t of opts.threads) if (![1, 2].includes(t)) usage(`--threads: ${t} (1 or 2)`);
if (!(Number.isInteger(opts.samples) && opts.samples >= 3)) usage('--samples must be an integer >= 3');
const workloads = WORKLOADS.filter((w) => !opts.only || opts.only.some((p) => w.id.startsWith(p)));
if (!workloads.length) usage(`--only ${opts.only} matches no workload (${WORKLOADS.map((w) => w.id).join(', ')})`);
const measureOptions = opts.quick ? { samples: 5, warmupMs: 20, maxWarmupMs: 200, targetSampleMs: 1 } : { samples: opts.samples };

const graphs = {};
for (const w of workloads) graphs[w.id] = await readFile(path.join(root, 'native', 'bench', `${w.id}.json`), 'utf8');

const build = {
  simdNode: path.join(root, 'build-wasm', 'bin', 'poolkit_node.js'),
  threadsNode: path.join(root, 'build-wasm-threads', 'bin', 'poolkit_node_threads.js'),
  web: path.join(root, 'build-wasm', 'web'),
};
const tfjsVersion = JSON.parse(await readFile(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'), 'utf8')).version;

async function loadPoolkit(file) {
  const made = require(file)();
  return made.ready ?? made;
}

async function runNode() {
  const tf = require('@tensorflow/tfjs-core');
  const tfwasm = require('@tensorflow/tfjs-backend-wasm');
  tfwasm.setThreadsCount(1);
  await tf.setBackend('wasm');
  await tf.ready();
  const now = () => performance.now();
  const rows = [];
  if (opts.threads.includes(1)) {
    const pk = await loadPoolkit(build.simdNode);
    for (const workload of workloads) {
      rows.push({ env: 'node', ...benchWorkload({ pk, tf, workload, graphJson: graphs[workload.id], threads: 1, now, options: measureOptions }) });
    }
  }
  if (opts.threads.includes(2)) {
    const pk = await loadPoolkit(build.threadsNode);
    for (const workload of workloads) {
      rows.push({ env: 'node', ...benchWorkload({ pk, tf, workload, graphJson: graphs[workload.id], threads: 2, now,
        options: measureOptions, timeTfjs: false }) });
    }
  }
  return { rows, info: { node: process.version, tfjsThreads: tfwasm.getThreadsCount() } };
}

async function runChromium() {
  const { launchChromium, watchedPage } = await import('../tests/chromium.mjs');
  // The page's site: the bench page, poolkit's modules, tfjs's dist files (all same-origin, so
  // the COOP/COEP-isolated page may load them).
  const site = path.join(root, 'build-wasm', 'bench-site');
  await rm(site, { recursive: true, force: true });
  await mkdir(path.join(site, 'tfjs'), { recursive: true });
  for (const f of ['bench.html', 'bench_page.mjs', 'bench_core.mjs']) await cp(path.join(here, f), path.join(site, f));
  for (const f of ['poolkit_wasm.js', 'poolkit_wasm.wasm', 'poolkit_wasm_threads.js', 'poolkit_wasm_threads.wasm',
    'poolkit_wasm_threads.worker.js']) await cp(path.join(build.web, f), path.join(site, f));
  const tfCore = path.dirname(require.resolve('@tensorflow/tfjs-core/package.json'));
  const tfWasm = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
  await cp(path.join(tfCore, 'dist', 'tf-core.min.js'), path.join(site, 'tfjs', 'tf-core.min.js'));
  for (const f of ['tf-backend-wasm.min.js', 'tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm',
    'tfjs-backend-wasm-threaded-simd.wasm']) await cp(path.join(tfWasm, 'dist', f), path.join(site, 'tfjs', f));

  const server = await serve(site, 0, { isolated: true });
  const browser = await launchChromium({ extraArgs: opts.tiering ? [] : ['--js-flags=--no-liftoff'] });
  const problems = [];
  const rows = [];
  const info = { chromium: `${browser.context.browser()?.version() ?? 'unknown'}${opts.tiering ? '' : ' (--js-flags=--no-liftoff)'}` };
  try {
    for (const threads of opts.threads) {
      const page = await watchedPage(browser.context, problems);
      await page.goto(`http://127.0.0.1:${server.address().port}/bench.html?threads=${threads}`);
      const r = await page.evaluate((arg) => window.runBench(arg), { graphs, options: measureOptions });
      info[`page_threads_${threads}`] = r.info;
      if (!r.info.crossOriginIsolated) throw new Error('the bench page is not cross-origin isolated');
      if (r.info.tfjsThreads !== threads) throw new Error(`tfjs runs ${r.info.tfjsThreads} threads, not ${threads}`);
      if (threads > r.info.poolkitMaxThreads) throw new Error(`poolkit's module allows only ${r.info.poolkitMaxThreads} threads`);
      for (const row of r.results) rows.push({ env: 'chromium', ...row });
      await page.close();
    }
  } finally {
    await browser.close();
    server.close();
  }
  if (problems.length) throw new Error(`the bench page reported problems:\n${problems.join('\n')}`);
  return { rows, info };
}

const started = new Date();
const meta = { date: started.toISOString(), cpu: os.cpus()[0]?.model, cpus: os.cpus().length,
  loadavg: os.loadavg().map((x) => x.toFixed(2)).join(' '), tfjs: `@tensorflow/tfjs-backend-wasm ${tfjsVersion}` };
const rows = [];
for (const env of opts.envs) {
  const r = env === 'node' ? await runNode() : await runChromium();
  rows.push(...r.rows);
  Object.assign(meta, r.info);
}

const fmt = (ms) => (ms == null ? '—' : ms >= 1 ? ms.toFixed(3) : ms >= 0.01 ? ms.toFixed(4) : ms.toFixed(5));
if (opts.json) {
  for (const r of rows) console.log(JSON.stringify({ ...r, date: meta.date }));
} else {
  console.log(`poolkit wasm (cpu backend, Halide wasm kernels) vs TensorFlow.js wasm (${meta.tfjs}), ${meta.date}`);
  console.log(`${meta.cpus} x ${meta.cpu}; node ${meta.node ?? process.version}; chromium ${meta.chromium ?? '—'}; load average ${meta.loadavg}`);
  console.log(`median ms per call (${opts.quick ? 'quick: 5' : measureOptions.samples} interleaved samples each); poolkit NCHW, tfjs NHWC (its native layout);` +
    ' ratio = poolkit ÷ tfjs (< 1: poolkit faster)\n');
  console.log('| env | workload | threads | poolkit ms | tfjs-wasm ms | ratio | tfjs on NCHW ms | poolkit kernel | tfjs op |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(`| ${r.env} | ${r.workload} | ${r.threads} | ${fmt(r.poolkit_ms)} | ${fmt(r.tfjs_ms)} | ` +
      `${r.ratio == null ? '— (tfjs: no threads in node)' : r.ratio.toFixed(2) + '×'} | ${fmt(r.tfjs_nchw_ms)} | ` +
      `${r.poolkit_variant} | ${r.tfjs_op ?? '—'} |`);
  }
  console.log('\ntfjs on NCHW: the same op with NCHW data transposed to NHWC and the result back (poolkit\'s ' +
    'layout; not in the ratio).');
}
// The threaded modules' workers (poolkit's pthreads) keep node alive: leave explicitly.
process.exit(0);
