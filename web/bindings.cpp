// The engine to JavaScript (embind). web/poolkit.js wraps these into DESIGN.md's `window.poolkit`
// contract; nothing else should call them directly.
//
//   runGraph(graphJson: string, inputs: {name: {shape: number[], data: Float32Array}},
//            backend: string, threads: number)
//     -> {outputs: {name: {shape: number[], data: Float32Array | Int32Array}},
//         totalMs: number, nodeMs: [{node, ms}], kernels: [{node, variant}]}
//   ops() -> [{name, inputs: string[], params: [{name, type, default}], summary, backends: string[]}]
//   backends() -> string[]
//   new PreparedRun(graphJson, inputs, backend, threads)   (benchmarks: web/bench/)
//     .run() -> one Session::run on the inputs already in wasm memory (no copies, no graph
//               parsing, no clock reads: the caller times it); .outputs() -> the last run's outputs as
//               runGraph's; .kernels() -> [{node, variant}]; .delete() frees it (embind).
//
// Errors: every engine failure is thrown as a JS Error whose message is the CLI's one line
// (what follows "poolkit: error: ").
//
// How: no exception ever leaves the wasm code. A JS exception thrown from inside it (embind's
// val::throw_(), or a TypeError from a val operation on a malformed argument) unwinds the wasm
// frames without running their epilogues: the shadow stack pointer and every local's destructor
// (strings, embind handles, the graph text) are skipped, about 48 bytes of stack per call, so
// ~100k failing calls overflowed the 5 MB stack and aborted the module (both builds). So the
// functions embind exports here (rawRunGraph, rawOps, rawBackends, RawPreparedRun) return a
// marker object {poolkitError: message} instead of throwing, check the JS values they read
// before touching them, and web/bindings_post.js (--post-js) defines the documented functions
// above on top of them, throwing the Error in plain JS.
#include <emscripten/bind.h>
#include <emscripten/emscripten.h>
#include <emscripten/val.h>

#include <cmath>
#include <cstdint>
#include <exception>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "poolkit/poolkit.h"

namespace {

using emscripten::val;

// The value a raw function returns instead of throwing (web/bindings_post.js throws it as an Error).
val error_value(const std::string& message) {
  val e = val::object();
  e.set("poolkitError", message);
  return e;
}

// Runs |body|; turns any C++ exception into an error_value with the engine's one-line message.
template <class F>
val guarded(F&& body) {
  try {
    return body();
  } catch (const poolkit::Error& e) {
    return error_value(e.what());
  } catch (const std::exception& e) {
    return error_value(std::string("internal error: ") + e.what());
  }
}

bool is_object(const val& v) { return !v.isNull() && v.typeOf().as<std::string>() == "object"; }

std::string brief_js(const val& v) {
  const std::string text = val::global("String")(v).as<std::string>();
  return text.size() > 40 ? text.substr(0, 40) + "..." : text;
}

poolkit::Shape shape_from_js(const val& shape, const std::string& name) {
  if (!shape.isArray()) throw poolkit::Error(poolkit::ErrorKind::bad_input, "input '" + name + "': 'shape' must be an array");
  std::vector<int64_t> dims;
  const int rank = shape["length"].as<int>();
  for (int i = 0; i < rank; ++i) {
    const val d = shape[i];
    // Checked before converting: a non-number would throw in JS, and a fraction, NaN or a value
    // beyond 2^53 has no exact int64 (converting NaN or an out-of-range double traps in wasm).
    const double v = d.isNumber() ? d.as<double>() : std::nan("");
    if (!(v >= 0 && v <= 9007199254740992.0 && v == std::floor(v))) {
      throw poolkit::Error(poolkit::ErrorKind::bad_input, "input '" + name + "': 'shape' element " + std::to_string(i) +
                                                              " is " + brief_js(d) + ", not an integer >= 0");
    }
    dims.push_back(static_cast<int64_t>(v));
  }
  return poolkit::Shape(std::move(dims));
}

// Float32Array -> float32 tensor; Int32Array or BigInt64Array -> int64 tensor (indices, e.g. the
// second input of max_unpool2d). One bulk copy into wasm memory through a typed view.
poolkit::Tensor tensor_from_js(const val& spec, const std::string& name) {
  if (!is_object(spec)) {
    throw poolkit::Error(poolkit::ErrorKind::bad_input, "input '" + name + "': must be {shape: [...], data: Float32Array}, not " + brief_js(spec));
  }
  poolkit::Shape shape = shape_from_js(spec["shape"], name);
  const val data = spec["data"];
  const bool f32 = data.instanceof(val::global("Float32Array"));
  const bool i32 = data.instanceof(val::global("Int32Array"));
  const bool i64 = data.instanceof(val::global("BigInt64Array"));
  if (!f32 && !i32 && !i64) {
    throw poolkit::Error(poolkit::ErrorKind::bad_input,
                         "input '" + name + "': 'data' must be a Float32Array (or Int32Array / BigInt64Array for indices)");
  }
  const auto have = static_cast<int64_t>(data["length"].as<double>());
  if (have != shape.numel()) {
    throw poolkit::Error(poolkit::ErrorKind::bad_input,
                         "input '" + name + "' " + shape.str() + ": has " + std::to_string(have) +
                             " values, expected " + std::to_string(shape.numel()));
  }
  const auto n = static_cast<size_t>(have);
  if (f32) {
    poolkit::Tensor t = poolkit::Tensor::uninitialized(shape);
    val(emscripten::typed_memory_view(n, t.data<float>().data())).call<void>("set", data);
    return t;
  }
  poolkit::Tensor t = poolkit::Tensor::uninitialized(shape, poolkit::DType::i64);
  int64_t* out = t.data<int64_t>().data();
  if (i32) {
    std::vector<int32_t> narrow(n);
    val(emscripten::typed_memory_view(n, narrow.data())).call<void>("set", data);
    for (size_t i = 0; i < n; ++i) out[i] = narrow[i];
  } else {
    const val buffer = val::module_property("HEAP8")["buffer"];
    val::global("BigInt64Array").new_(buffer, reinterpret_cast<uintptr_t>(out), n).call<void>("set", data);
  }
  return t;
}

val shape_to_js(const poolkit::Shape& shape) {
  val out = val::array();
  for (int64_t d : shape.dims()) out.call<void>("push", static_cast<double>(d));
  return out;
}

// Copies (slice) so the result survives wasm memory growth and the tensor's release.
val tensor_to_js(const std::string& name, const poolkit::Tensor& t) {
  val out = val::object();
  out.set("shape", shape_to_js(t.shape()));
  if (t.dtype() == poolkit::DType::f32) {
    auto d = t.data<float>();
    out.set("data", val(emscripten::typed_memory_view(d.size(), d.data())).call<val>("slice"));
    return out;
  }
  // int64 indices -> Int32Array (DESIGN.md allows either); per-plane positions fit unless a
  // plane has more than 2^31 elements, which is reported rather than truncated.
  auto d = t.data<int64_t>();
  std::vector<int32_t> narrow(d.size());
  for (size_t i = 0; i < d.size(); ++i) {
    if (d[i] > std::numeric_limits<int32_t>::max() || d[i] < std::numeric_limits<int32_t>::min()) {
      throw poolkit::Error(poolkit::ErrorKind::unsupported,
                           "output '" + name + "': index " + std::to_string(d[i]) + " does not fit in an Int32Array");
    }
    narrow[i] = static_cast<int32_t>(d[i]);
  }
  out.set("data", val(emscripten::typed_memory_view(narrow.size(), narrow.data())).call<val>("slice"));
  return out;
}

poolkit::NamedTensors inputs_from_js(const val& inputs) {
  poolkit::NamedTensors named;
  if (inputs.isNull() || inputs.isUndefined()) return named;  // none: the graph says which it needs
  if (!is_object(inputs)) {
    throw poolkit::Error(poolkit::ErrorKind::bad_input, "inputs must be an object {name: {shape, data}}, not " + brief_js(inputs));
  }
  const val keys = val::global("Object").call<val>("keys", inputs);
  const int n = keys["length"].as<int>();
  for (int i = 0; i < n; ++i) {
    const std::string name = keys[i].as<std::string>();
    named.emplace(name, tensor_from_js(inputs[name], name));
  }
  return named;
}

poolkit::Session make_session(const std::string& graph_json, const std::string& backend, int threads) {
  poolkit::SessionOptions options;
  options.threads = threads;
  return poolkit::Session(poolkit::Graph::from_json(graph_json, "/"), backend, std::move(options));
}

val outputs_to_js(const poolkit::NamedTensors& outputs) {
  val outs = val::object();
  for (const auto& [name, tensor] : outputs) outs.set(name, tensor_to_js(name, tensor));
  return outs;
}

val kernels_to_js(const poolkit::Session& session) {
  val kernels = val::array();
  for (const auto& k : session.kernels()) {
    val e = val::object();
    e.set("node", k.node);
    e.set("variant", k.variant);
    kernels.call<void>("push", e);
  }
  return kernels;
}

val run_graph(std::string graph_json, val inputs, std::string backend, int threads) {
  return guarded([&] {
    poolkit::NamedTensors named = inputs_from_js(inputs);
    poolkit::Session session = make_session(graph_json, backend, threads);
    const double t0 = emscripten_get_now();
    poolkit::NamedTensors outputs = session.run(named);
    const double total_ms = emscripten_get_now() - t0;

    val result = val::object();
    result.set("outputs", outputs_to_js(outputs));
    result.set("totalMs", total_ms);
    val node_ms = val::array();
    for (const auto& t : session.last_node_times()) {  // empty where the backend cannot measure
      val e = val::object();
      e.set("node", t.node);
      e.set("ms", t.ms);
      node_ms.call<void>("push", e);
    }
    result.set("nodeMs", node_ms);
    result.set("kernels", kernels_to_js(session));
    return result;
  });
}

// A compiled graph with its inputs resident in wasm memory, run again and again (benchmarks):
// what `poolkit bench` times natively, callable from JS next to another library's op. A failed
// preparation is kept in error() (embind constructors cannot return the error marker).
class PreparedRun {
 public:
  PreparedRun(std::string graph_json, val inputs, std::string backend, int threads)
      : error_(guarded([&] {
          session_.emplace(poolkit::Graph::from_json(graph_json, "/"), backend, options(threads));
          inputs_ = inputs_from_js(inputs);
          return val::null();
        })) {}

  val error() const { return error_; }  // null, or the error marker of the preparation / last run

  // No clock reads: the caller times runs (a read here calls out to JS performance.now(),
  // ~0.15 us each in Chromium, as would the engine's per-step times: off for this session).
  // A plain bool, not a val (what the benchmarks time, next to microsecond kernels): false when
  // the run failed, with the marker in error().
  bool run() {
    // No embind value on success (each one's destructor is a call out to JS).
    try {
      // Into the last run's map: Session::run lets go of its tensors first, so the engine
      // writes into their buffers again instead of allocating new ones (it recycles only
      // buffers no one else holds), and keeps its entries (no map nodes or names per run).
      session().run(inputs_, outputs_);
      return true;
    } catch (const poolkit::Error& e) {
      error_ = error_value(e.what());
    } catch (const std::exception& e) {
      error_ = error_value(std::string("internal error: ") + e.what());
    }
    return false;
  }
  val outputs() const { return guarded([&] { return outputs_to_js(outputs_); }); }
  val kernels() const { return guarded([&] { return kernels_to_js(session()); }); }

 private:
  static poolkit::SessionOptions options(int threads) {
    poolkit::SessionOptions o;
    o.threads = threads;
    o.time_steps = false;
    return o;
  }
  poolkit::Session& session() {
    if (!session_) throw poolkit::Error(poolkit::ErrorKind::bad_input, "this PreparedRun failed to prepare");
    return *session_;
  }
  const poolkit::Session& session() const { return const_cast<PreparedRun*>(this)->session(); }

  std::optional<poolkit::Session> session_;
  poolkit::NamedTensors inputs_;
  poolkit::NamedTensors outputs_;
  val error_;
};

val ops() {
  return guarded([] {
    val list = val::array();
    for (const poolkit::OpInfo& info : poolkit::all_ops()) {
      val op = val::object();
      op.set("name", info.name);
      val ins = val::array();
      for (const auto& in : info.input_names) ins.call<void>("push", in);
      op.set("inputs", ins);
      val params = val::array();
      for (const auto& p : info.params) {
        val e = val::object();
        e.set("name", p.name);
        e.set("type", p.type);
        e.set("default", p.default_value);
        params.call<void>("push", e);
      }
      op.set("params", params);
      op.set("summary", info.summary);
      val backends = val::array();
      for (const std::string& b : poolkit::backend_names()) {
        if (poolkit::backend(b).implements(info.kind)) backends.call<void>("push", b);
      }
      op.set("backends", backends);
      list.call<void>("push", op);
    }
    return list;
  });
}

val backends() {
  return guarded([] {
    val list = val::array();
    for (const std::string& b : poolkit::backend_names()) list.call<void>("push", b);
    return list;
  });
}

}  // namespace

// Raw names: web/bindings_post.js defines runGraph, ops, backends and PreparedRun on top of them.
EMSCRIPTEN_BINDINGS(poolkit) {
  emscripten::function("rawRunGraph", &run_graph);
  emscripten::function("rawOps", &ops);
  emscripten::function("rawBackends", &backends);
  emscripten::class_<PreparedRun>("RawPreparedRun")
      .constructor<std::string, val, std::string, int>()
      .function("error", &PreparedRun::error)
      .function("run", &PreparedRun::run)
      .function("outputs", &PreparedRun::outputs)
      .function("kernels", &PreparedRun::kernels);
  emscripten::constant("version", std::string(poolkit::kVersion));
}
