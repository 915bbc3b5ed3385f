// window.poolkit: the engine in the page, exactly as DESIGN.md "The browser build" says, and the
// loader of the engine's WebAssembly module (include this script alone; it loads the module).
//
//   await poolkit.ready;                       // resolves to poolkit itself once the wasm loaded
//   const out = poolkit.run(graph, inputs, {backend: 'cpu', threads: 2});
//     graph:   the graph JSON object (DESIGN.md "Graph JSON"; constants inline with "data")
//     inputs:  {name: {shape: [...], data: Float32Array}}
//     out:     {outputName: {shape: [...], data: Float32Array | Int32Array (indices)}}
//     backend: 'cpu' (default when compiled in) or 'reference'
//     threads: the cpu backend's thread count, default 1 so that results and timings compare
//              across pages and builds; clamped to poolkit.maxThreads (the run uses
//              min(threads, maxThreads): poolkit.lastRun.threads says how many). Results do not
//              depend on it (every kernel is deterministic; tested).
//   poolkit.ops();        // [{name, inputs, params: [{name, type, default}], summary, backends}]
//   poolkit.backends();   // compiled-in backends, oracle first: ['reference', 'cpu']
//   poolkit.build;        // which module loaded: 'simd' or 'simd+threads' (null until ready)
//   poolkit.maxThreads;   // the most threads a run can use: 1 with the 'simd' module
//   poolkit.lastRun;      // {backend, threads, totalMs, nodeMs: [{node, ms}], kernels: [{node, variant}]}
// Errors are thrown as JS Errors whose message is the CLI's one line (without "poolkit: error: ").
//
// Which module: the wasm-threads build (poolkit_wasm_threads.js: -pthread, Halide's wasm_threads
// kernels on a pool of maxThreads - 1 Web Workers) when the page is cross-origin isolated —
// SharedArrayBuffer exists only there, so the server must send COOP/COEP (web/serve.mjs does) —
// and the single-threaded SIMD build (poolkit_wasm.js) otherwise, or if the threaded one is
// missing (built with POOLKIT_WASM_THREADS=0) or fails to start. Both sit next to this script.
(function () {
  'use strict';
  const here = document.currentScript ? document.currentScript.src : location.href;
  const BUILDS = {
    'simd+threads': { script: 'poolkit_wasm_threads.js', factory: 'createPoolkitThreadsModule' },
    simd: { script: 'poolkit_wasm.js', factory: 'createPoolkitModule' },
  };
  let module = null;
  const api = {
    ready: null,
    build: null,
    maxThreads: 1,
    lastRun: null,
    backends() {
      return need().backends();
    },
    ops() {
      return need().ops();
    },
    run(graph, inputs, options = {}) {
      const m = need();
      const backend = options.backend ?? (api.backends().includes('cpu') ? 'cpu' : 'reference');
      const asked = options.threads ?? 1;
      if (!Number.isInteger(asked) || asked < 1) {
        throw new Error(`option 'threads' ${JSON.stringify(asked)}: must be an integer >= 1`);
      }
      const threads = Math.min(asked, api.maxThreads);
      const text = typeof graph === 'string' ? graph : JSON.stringify(graph);
      const r = m.runGraph(text, inputs ?? {}, backend, threads);
      api.lastRun = { backend, threads, totalMs: r.totalMs, nodeMs: r.nodeMs, kernels: r.kernels };
      return r.outputs;
    },
  };
  function need() {
    if (!module) throw new Error('poolkit is not ready yet: await poolkit.ready first');
    return module;
  }

  function loadScript(file) {
    return new Promise((resolve, reject) => {
      const s = document.createElement('script');
      s.src = new URL(file, here).href;
      s.onload = resolve;
      s.onerror = () => reject(new Error(`cannot load ${s.src}`));
      document.head.appendChild(s);
    });
  }

  // Loads one build; resolves to the Emscripten module once its runtime (and worker pool) is up.
  async function start(name) {
    const { script, factory } = BUILDS[name];
    await loadScript(script);
    const made = window[factory]();
    return made.ready ?? made;  // a promise (async compilation) or the module, whose .ready resolves
  }

  async function load() {
    const threaded = self.crossOriginIsolated === true && typeof SharedArrayBuffer === 'function';
    let name = threaded ? 'simd+threads' : 'simd';
    let m;
    try {
      m = await start(name);
    } catch (e) {
      if (name === 'simd') throw e;
      name = 'simd';  // no threaded build here, or it could not start: the single-threaded one
      m = await start(name);
    }
    module = m;
    api.build = name;
    api.maxThreads = name === 'simd+threads' ? m.poolkitMaxThreads : 1;
    return api;
  }

  api.ready = load();
  window.poolkit = api;
})();
