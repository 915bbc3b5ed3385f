// --post-js of every embind module (web/CMakeLists.txt): the module's documented functions
// (web/bindings.cpp: runGraph, ops, backends, PreparedRun) on top of the raw ones, which return
// a marker {poolkitError: message} instead of throwing through the wasm code (bindings.cpp says
// why: that leaked stack and handles on every failing call until the module aborted). Here the
// marker becomes the JS Error, thrown in plain JS. The raw functions are looked up at call time:
// embind registers them when the runtime starts, which may be after this code runs.
(function () {
  function call(f) {
    var sp = stackSave();
    var r;
    try {
      r = f();
    } catch (e) {
      // Only embind's argument conversion (before the wasm code runs) should get here; should
      // anything else, at least the next call starts on the same stack.
      stackRestore(sp);
      throw e;
    }
    if (r !== null && typeof r === 'object' && Object.prototype.hasOwnProperty.call(r, 'poolkitError')) {
      throw new Error(r['poolkitError']);
    }
    return r;
  }

  Module['runGraph'] = function (graphJson, inputs, backend, threads) {
    return call(function () { return Module['rawRunGraph'](graphJson, inputs, backend, threads); });
  };
  Module['ops'] = function () {
    return call(function () { return Module['rawOps'](); });
  };
  Module['backends'] = function () {
    return call(function () { return Module['rawBackends'](); });
  };

  function PreparedRun(graphJson, inputs, backend, threads) {
    var raw = call(function () { return new Module['RawPreparedRun'](graphJson, inputs, backend, threads); });
    var failed = raw.error();
    if (failed !== null) {
      raw.delete();
      throw new Error(failed['poolkitError']);
    }
    this.raw = raw;
  }
  // No closure here: benchmarks time this call around microsecond kernels. NaN: the run failed.
  PreparedRun.prototype.run = function () {
    var sp = stackSave();
    var ok;
    try {
      ok = this.raw.run();
    } catch (e) {
      stackRestore(sp);
      throw e;
    }
    if (!ok) throw new Error(this.raw.error()['poolkitError']);
  };
  PreparedRun.prototype.outputs = function () {
    var raw = this.raw;
    return call(function () { return raw.outputs(); });
  };
  PreparedRun.prototype.kernels = function () {
    var raw = this.raw;
    return call(function () { return raw.kernels(); });
  };
  PreparedRun.prototype.delete = function () {
    this.raw.delete();
  };
  Module['PreparedRun'] = PreparedRun;
})();
