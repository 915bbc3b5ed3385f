// window.poolkit: the engine in the page, exactly as DESIGN.md "The browser build" says.
//
//   await poolkit.ready;                       // resolves to poolkit itself once the wasm loaded
//   const out = poolkit.run(graph, inputs, {backend: 'cpu'});
//     graph:  the graph JSON object (DESIGN.md "Graph JSON"; constants inline with "data")
//     inputs: {name: {shape: [...], data: Float32Array}}
//     out:    {outputName: {shape: [...], data: Float32Array | Int32Array (indices)}}
//   poolkit.ops();       // [{name, inputs, params: [{name, type, default}], summary, backends}]
//   poolkit.backends();  // compiled-in backends, oracle first: ['reference', 'cpu']
//   poolkit.lastRun;     // {backend, totalMs, nodeMs: [{node, ms}], kernels: [{node, variant}]}
// Errors are thrown as JS Errors whose message is the CLI's one line (without "poolkit: error: ").
// Needs poolkit_wasm.js (the Emscripten module factory, createPoolkitModule) loaded first.
(function () {
  'use strict';
  let module = null;
  const api = {
    ready: null,
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
      const threads = options.threads ?? 1;  // this build has no wasm threads yet
      const text = typeof graph === 'string' ? graph : JSON.stringify(graph);
      const r = m.runGraph(text, inputs ?? {}, backend, threads);
      api.lastRun = { backend, totalMs: r.totalMs, nodeMs: r.nodeMs, kernels: r.kernels };
      return r.outputs;
    },
  };
  function need() {
    if (!module) throw new Error('poolkit is not ready yet: await poolkit.ready first');
    return module;
  }
  api.ready = createPoolkitModule().then((m) => {
    module = m;
    return api;
  });
  window.poolkit = api;
})();
