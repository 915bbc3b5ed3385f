// window.poolkit: the engine in the page, exactly as DESIGN.md "The browser build" says, and the
// loader of the engine's WebAssembly module (include this script alone; it loads the module).
//
//   await poolkit.ready;                       // resolves to poolkit itself once the wasm loaded
//   const out = poolkit.run(graph, inputs, {backend: 'cpu', threads: 2});
//     graph:   the graph JSON object (DESIGN.md "Graph JSON"; constants inline with "data": an
//              array of numbers, nested arrays (row-major) or a typed array) or its text
//     inputs:  {name: {shape: [...], data: Float32Array}}; data may also be a Float64Array or a
//              plain array of numbers (nested arrays are read in row-major order), converted to
//              float32 as the CLI converts <f8 .npy files — an input the graph declares int64
//              (indices) takes Int32Array, BigInt64Array or an array of integers
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
//   const p = poolkit.prepare(graph, inputs, {backend, threads});  // compiled once, inputs copied once
//   p.run();              // runs it again; returns the call's ms; p.kernels(); p.dispose()
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
      const { backend, threads } = runOptions(options);
      const r = m.runGraph(graphText(graph), engineInputs(graph, inputs), backend, threads);
      api.lastRun = { backend, threads, totalMs: r.totalMs, nodeMs: r.nodeMs, kernels: r.kernels };
      return r.outputs;
    },
    // For timing (the page's "How fast" panel): the graph compiled once with its inputs copied
    // into wasm memory once; run() runs it again and returns the ms of that call.
    // Call dispose() when done (it holds wasm memory).
    prepare(graph, inputs, options = {}) {
      const m = need();
      const { backend, threads } = runOptions(options);
      const prepared = new m.PreparedRun(graphText(graph), engineInputs(graph, inputs), backend, threads);
      return {
        backend,
        threads,
        run: () => {  // ms, timed here: PreparedRun reads no clock (each read costs a JS call)
          const t0 = performance.now();
          prepared.run();
          return performance.now() - t0;
        },
        kernels: () => prepared.kernels(),
        dispose: () => prepared.delete(),
      };
    },
  };
  function runOptions(options) {
    if (options === null || typeof options !== 'object') {
      throw new Error(`options must be an object {backend, threads}, not ${describe(options)}`);
    }
    const backend = options.backend ?? (api.backends().includes('cpu') ? 'cpu' : 'reference');
    if (typeof backend !== 'string') throw new Error(`option 'backend' must be a string, not ${describe(backend)}`);
    const asked = options.threads ?? 1;
    if (!Number.isInteger(asked) || asked < 1) {
      throw new Error(`option 'threads' ${JSON.stringify(asked)}: must be an integer >= 1`);
    }
    return { backend, threads: Math.min(asked, api.maxThreads) };
  }
  // The graph as the engine's JSON text. A constant's "data" may be a typed array or nested
  // arrays here (like an input's): JSON.stringify would turn a typed array into an object
  // {"0": ..., "1": ...}, which the engine rejects, so they become one flat array of numbers.
  function graphText(graph) {
    if (typeof graph === 'string') return graph;
    if (graph === null || typeof graph !== 'object' || Array.isArray(graph)) {
      throw new Error(`graph must be a graph JSON object or its text, not ${describe(graph)}`);
    }
    const constants = graph.constants;
    if (constants === null || typeof constants !== 'object') return JSON.stringify(graph);
    const plain = {};
    for (const [name, spec] of Object.entries(constants)) {
      const data = spec?.data;
      if (ArrayBuffer.isView(data)) plain[name] = { ...spec, data: Array.from(data, Number) };
      else if (Array.isArray(data) && data.some(Array.isArray)) plain[name] = { ...spec, data: data.flat(Infinity) };
      else plain[name] = spec;
    }
    return JSON.stringify({ ...graph, constants: plain });
  }
  // The inputs as the engine takes them: typed arrays pass through; Float64Array and plain
  // arrays become Float32Array (BigInt64Array for an input the graph declares int64); anything
  // else is an Error naming the input, in one line like the engine's.
  function engineInputs(graph, inputs) {
    if (inputs === undefined || inputs === null) return {};
    if (typeof inputs !== 'object') throw new Error(`inputs must be an object {name: {shape, data}}, not ${describe(inputs)}`);
    let declared = {};
    try {
      declared = (typeof graph === 'string' ? JSON.parse(graph) : graph)?.inputs ?? {};
    } catch (e) {
      // not JSON: the engine reports it
    }
    const out = {};
    for (const [name, spec] of Object.entries(inputs)) {
      if (spec === null || typeof spec !== 'object' || !('data' in spec)) {
        throw new Error(`input '${name}': must be {shape: [...], data: Float32Array}, not ${describe(spec)}`);
      }
      const data = spec.data;
      if (data instanceof Float32Array || data instanceof Int32Array || data instanceof BigInt64Array) {
        out[name] = spec;
        continue;
      }
      let values;
      if (data instanceof Float64Array) {
        values = data;
      } else if (Array.isArray(data)) {
        values = data.flat(Infinity);
        const bad = values.findIndex((v) => typeof v !== 'number');
        if (bad >= 0) throw new Error(`input '${name}': 'data' value ${bad} is ${describe(values[bad])}, not a number`);
      } else {
        throw new Error(`input '${name}': 'data' must be a Float32Array, a Float64Array or an array of numbers ` +
          `(Int32Array / BigInt64Array for indices), not ${describe(data)}`);
      }
      if (declared[name]?.dtype === 'int64') {
        const bad = Array.prototype.findIndex.call(values, (v) => !Number.isSafeInteger(v));
        if (bad >= 0) throw new Error(`input '${name}': int64 'data' value ${bad} is ${values[bad]}, not an integer`);
        out[name] = { ...spec, data: BigInt64Array.from(values, (v) => BigInt(v)) };
      } else {
        out[name] = { ...spec, data: Float32Array.from(values) };
      }
    }
    return out;
  }
  function describe(v) {
    if (v === null) return 'null';
    if (Array.isArray(v)) return 'an array';
    if (typeof v === 'object') return `a ${v.constructor?.name ?? 'object'}`;
    return `${typeof v} ${String(v).slice(0, 20)}`;
  }

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
