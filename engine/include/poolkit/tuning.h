// poolkit/tuning.h — tuning tables: the kernel variant `poolkit tune` measured fastest for each
// kernel call of one graph on one backend and device, with every candidate and its timings.
//
// A table is JSON (written by `poolkit tune --out`, read by `run`/`bench --tuning` and by
// SessionOptions::tuning). This header and src/io/tuning_json.cpp are the one definition of the
// format; README.md "Using it" shows an example. Reading is strict: malformed JSON, a missing
// required key, a wrong type, an unknown key or a format version other than kFormat are
// Error{bad_input} naming the key — a misspelt "varaint" must not be ignored silently.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "poolkit/tensor.h"

namespace poolkit {

class Graph;

struct TunedCandidate {
  enum class Status {
    measured,      // timed: runs > 0 and the timings below are set
    not_measured,  // the budget ran out before its turn
    unsupported,   // the backend refused it on this device (why)
    mismatch,      // its result differed from the untuned plan's (why): never chosen
    failed,        // it failed at run time (why)
  };
  std::string variant;
  Status status = Status::measured;
  std::string why;  // for unsupported / mismatch / failed
  int runs = 0;     // timed runs (fewer than the table's iters when the budget cut it short)
  double median_ms = 0, min_ms = 0, max_ms = 0;
  // Rounds in which this candidate's run was faster than the default candidate's run of the same
  // round (runs are interleaved): k of |runs| gives a sign test of "faster than the default".
  int beats_default = 0;
};
std::string_view status_name(TunedCandidate::Status status);  // "measured", "not measured", ...

// One kernel call: the node heading it (and the nodes its chosen variant fuses into it).
struct TunedNode {
  std::string node;
  std::string op;                   // the node's op: checked against the graph when applied
  std::vector<Shape> input_shapes;  // its inputs' shapes: checked too (another shape: re-tune)
  std::string variant;              // the choice: the fastest measured candidate
  std::string default_variant;      // the backend's own choice without the table
  std::vector<std::string> fuses;   // nodes the chosen variant runs inside this call
  std::vector<TunedCandidate> candidates;
};

struct TuningTable {
  static constexpr int kFormat = 1;  // "format" in the file; bumped whenever keys change

  std::string graph;    // the graph file it was measured on, as given
  std::string backend;  // "cpu", "vulkan", "reference"
  std::string device;   // Backend::device_name(): applied only on a device of this name
  int threads = 0;      // threads it ran with (recorded, not enforced)
  std::string date;     // UTC, ISO 8601
  std::string machine;  // CPU model, logical CPUs, OS
  std::string poolkit_version;
  // "step": the executable's per-step times (vulkan: device timestamps; cpu: host wall-clock);
  // "graph": the whole graph's wall-clock time.
  std::string timing;
  int warmup = 0;       // untimed runs per candidate
  int iters = 0;        // timed runs per candidate asked for
  double budget_s = 0;  // the wall-clock budget of the whole tuning, and what it took
  double spent_s = 0;
  bool complete = true;  // false: the budget ran out before every candidate had its iters
  // The whole graph, untuned vs with the table's choices, timed side by side after tuning
  // (0 when the budget left no time for it).
  double untuned_ms = 0, tuned_ms = 0;
  std::vector<TunedNode> nodes;

  // Where the table was read from (error messages); not part of the format.
  std::string source;
};

// Pretty-printed JSON, ending in a newline.
std::string to_json(const TuningTable& table);
// Throws Error{bad_input} naming the offending key.
TuningTable tuning_table_from_json(std::string_view text);
// As above, from a file; messages start with the file name. Sets |source|.
TuningTable load_tuning_table(const std::filesystem::path& file);

// The variant overrides that running |graph| on |backend_name| on the device named |device_name|
// with |table| amounts to, merged under |explicit_overrides| (which win: a table entry whose
// node, or a node it fuses, is overridden explicitly is dropped). Throws Error{bad_input}
// prefixed with the table's source when the table is for another backend or device, names a
// node the graph does not have (or has with another op or input shapes), or a variant that
// cannot run that node on this backend.
std::map<std::string, std::string> tuned_overrides(const TuningTable& table, const Graph& graph,
                                                   std::string_view backend_name, const std::string& device_name,
                                                   const std::map<std::string, std::string>& explicit_overrides);

}  // namespace poolkit
