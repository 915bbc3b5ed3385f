// The benchmark page's setup: loads TensorFlow.js (core + wasm backend, from web/node_modules,
// copied next to this page by bench_wasm.mjs) and the poolkit module matching ?threads=N, then
// exposes window.runBench for the driver.
//   threads=1: poolkit_wasm.js (SIMD) and tfjs's SIMD build (its threaded build switched off);
//   threads=2: poolkit_wasm_threads.js and tfjs's threaded SIMD build, both at 2 threads.
import { WORKLOADS, benchWorkload } from './bench_core.mjs';

const threads = Number(new URLSearchParams(location.search).get('threads') ?? '1');

function loadScript(src) {
  return new Promise((resolve, reject) => {
    const s = document.createElement('script');
    s.src = src;
    s.onload = resolve;
    s.onerror = () => reject(new Error(`cannot load ${src}`));
    document.head.appendChild(s);
  });
}

// tfjs-backend-wasm caps its thread pool at navigator.hardwareConcurrency / 2 (it assumes two
// hyperthreads per core): 1 thread on this 2-vCPU machine, whatever setThreadsCount says. While
// its module starts (the cap is read then, on this thread), the page reports enough cores for
// the requested count; afterwards the real value is back (poolkit, loaded first, saw the real one).
async function withCoresFor(n, body) {
  const real = Object.getOwnPropertyDescriptor(Navigator.prototype, 'hardwareConcurrency');
  const cores = real.get.call(navigator);
  if (cores >= 2 * n) return body();
  Object.defineProperty(Navigator.prototype, 'hardwareConcurrency', { configurable: true, get: () => 2 * n });
  try {
    return await body();
  } finally {
    Object.defineProperty(Navigator.prototype, 'hardwareConcurrency', real);
  }
}

async function setup() {
  const [script, factory] = threads === 1 ? ['poolkit_wasm.js', 'createPoolkitModule']
    : ['poolkit_wasm_threads.js', 'createPoolkitThreadsModule'];
  await loadScript(script);
  const made = window[factory]();
  const pk = await (made.ready ?? made);

  await loadScript('tfjs/tf-core.min.js');
  await loadScript('tfjs/tf-backend-wasm.min.js');
  const tf = window.tf;
  tf.wasm.setWasmPaths(new URL('tfjs/', location.href).href);
  if (threads === 1) tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  tf.wasm.setThreadsCount(threads);
  await withCoresFor(threads, async () => {
    if (!(await tf.setBackend('wasm'))) throw new Error('tfjs: the wasm backend did not start');
    await tf.ready();
  });
  const info = {
    crossOriginIsolated: self.crossOriginIsolated,
    poolkit: script,
    poolkitMaxThreads: pk.poolkitMaxThreads ?? 1,
    tfjsThreads: tf.wasm.getThreadsCount(),
    tfjsSimd: await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'),
    tfjsMultithread: await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'),
    hardwareConcurrency: navigator.hardwareConcurrency,
    userAgent: navigator.userAgent,
  };
  return { tf, pk, info };
}

const ready = setup();
window.runBench = async ({ graphs, options }) => {
  const { tf, pk, info } = await ready;
  const results = [];
  for (const workload of WORKLOADS) {
    if (!graphs[workload.id]) continue;
    results.push(benchWorkload({ pk, tf, workload, graphJson: graphs[workload.id], threads,
      now: () => performance.now(), options }));
  }
  return { info, results };
};
