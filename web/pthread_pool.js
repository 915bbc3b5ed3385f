// --pre-js of the wasm-threads modules: sizes Emscripten's pthread pool (PTHREAD_POOL_SIZE is
// the expression `Module.poolkitWorkers`, read when the runtime starts).
//
// Halide's thread pool runs a parallel loop on the calling thread plus (threads - 1) workers it
// creates on first use. A pthread created on a page's main thread starts only in a pre-loaded
// worker (the main thread does not yield to the event loop while a kernel runs), so the pool
// holds every worker Halide may ask for: poolkitMaxThreads - 1. The caller may choose
// poolkitMaxThreads (createPoolkitThreadsModule({poolkitMaxThreads: n})); by default it is the
// number of cores, at least 2, capped at 8 (each worker costs a Worker and a wasm instance, and
// pooling is memory-bound: more threads than that do not help).
(function () {
  var isNode = typeof process == 'object' && typeof process.versions == 'object' && typeof process.versions.node == 'string';
  var max = Module['poolkitMaxThreads'];
  if (!max) {
    var cores = isNode ? require('os').cpus().length : (typeof navigator == 'object' && navigator.hardwareConcurrency) || 2;
    max = Math.max(2, Math.min(8, cores));
  }
  Module['poolkitMaxThreads'] = max;
  Module['poolkitWorkers'] = max - 1;
})();

// The page's main thread waits for Halide's workers at the end of each parallel loop (a short
// busy-wait on a futex, during which Emscripten still runs calls proxied to the main thread).
// That cannot deadlock here: the workers are pre-loaded (no thread creation needs the event
// loop) and kernels neither print nor call into JS. Emscripten 3.1.6 still warns once about
// blocking the main thread, on every page; that one message is dropped, everything else passes.
(function () {
  var printErr = Module['printErr'] || function (text) { console.warn(text); };
  Module['printErr'] = function (text) {
    if (typeof text == 'string' && text.indexOf('Blocking on the main thread is very dangerous') == 0) return;
    printErr(text);
  };
})();
