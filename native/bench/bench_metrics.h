// bench_metrics.h — what `poolkit bench` and the peer programs (native/peers/) measure, written
// once so that both sides count bytes and operations, fill inputs, summarize timings and print
// result lines exactly alike (DESIGN.md "Performance targets": side by side, medians).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "poolkit/poolkit.h"

namespace poolkit::bench {

// Compulsory work of one run of a graph.
//   bytes: every graph input and every constant a node reads, plus every graph output, each
//          counted once (intermediates are not: a fused kernel never writes them, and an
//          unfused one is charged for that in its time, not in its byte count).
//   flops: conv2d 2·N·Cout·OH·OW·(Cin/groups)·kh·kw (a multiply-add is two; bias and padding taps
//          included at the nominal count); windowed pooling one op per window tap, padding taps
//          included (output elements × kernel area; fractional: × kernel area; adaptive: the
//          actual window sizes summed); global pooling one op per input element; relu one op
//          per element; max_unpool2d one op per scattered value.
struct Work {
  int64_t bytes = 0;
  double flops = 0;
};
Work count_work(const Graph& graph);

// Deterministic pseudo-random contents for graph input |name| (a fixed seed mixed with the
// name, so every input differs and the data does not depend on the input order):
// float32 uniform in [-1, 1), except a fractional_max_pool2d `samples` input, uniform in [0, 1)
// as that op requires; int64 (unpooling indices) all 0, a valid index for any plane.
Tensor random_input(const Graph& graph, ValueId input);

struct Timing {
  double median_ms = 0, min_ms = 0, max_ms = 0;
  int iters = 0;
};
// |ms| holds one wall-clock time per timed iteration (at least one).
Timing summarize(std::vector<double> ms);

// One result line (DESIGN.md "The command line": bench --json). The caller adds optional
// fields (node_ms, kernels, ...) to the returned object.
struct Result {
  std::string graph;    // the graph file's stem: "p1_max2x2"
  std::string backend;  // "reference", "cpu", "vulkan", "onednn-blocked", ...
  std::string variant;  // kernel variant(s) that ran, '+'-joined in node order
  std::string target;   // free text: backend/device/ISA
  int threads = 1;
  Timing timing;
  Work work;
  double copy_gbytes_per_s = 0;  // roofline for the same traffic (see copy_bytes_for)
};
nlohmann::json to_json(const Result& r);
// The table row `bench` prints without --json, and its header.
std::string table_header();
std::string table_row(const Result& r);

// Bytes to hand Backend::copy_gbytes_per_s so that the copy moves the kernel's compulsory
// traffic: a copy of B bytes reads B and writes B, so half the traffic (and the same working
// set, which decides whether it is served from cache or DRAM).
int64_t copy_bytes_for(const Work& work);

// std::thread::hardware_concurrency() with a floor of 1: what `--threads 0` means.
int all_cores();

}  // namespace poolkit::bench
