// tuner.h — what `poolkit tune` measures, and how.
//
// One kernel call at a time, in graph order ("units": a node, or the node heading a fused kernel
// call), every variant the backend lists for the unit's node (Backend::variants) is compiled
// into a Session of the whole graph, with the units already tuned fixed at their winners and the
// later ones at the backend's defaults. The candidates of one unit are timed interleaved — one run
// of each per round, --iters rounds — so that the machine's drift (NOTES.md: ±50% between runs)
// hits them all alike. Each candidate counts the rounds in which it beat the default candidate's
// run of the same round (the default runs first in every round, so every run has a partner), and
// the choice is the fastest by median among the default and the candidates whose win count passes
// a sign test (sign_test.h): on a shared, drifting machine a lower median that wins 11 rounds of
// 20 is noise, and the default (the backend's reasoned preference) is not replaced on noise.
//
// What is timed: the per-step times the executable reports (Executable::last_node_times: device
// timestamps on vulkan, host wall-clock per kernel call on cpu and reference) summed over the
// unit's kernel calls, or, for an executable that reports none, the wall-clock time of the whole
// graph's Session::run (the other units are the same for every candidate, so they shift all
// medians alike). A fused candidate (conv2d_relu__... on a conv2d node) runs the nodes it
// absorbs: the sum then covers the same nodes for every candidate — the fused call against the
// separate ones.
//
// Before it is timed, each candidate's first (untimed) run is checked against the untuned plan's
// result: a variant whose result differs (beyond twice DESIGN.md's tolerance: both are within it
// of `reference`) is reported as a mismatch and never chosen.
//
// The budget: a wall-clock limit for everything (compiling, checking, timing). Each unit gets a
// share of what is left in proportion to its number of candidates (and the closing untuned vs
// tuned comparison the share of two); a unit stops its rounds when its share is used (after at
// least one round), and everything stops when the budget is. Runs are never interrupted: one
// run longer than the budget overruns it. Candidates left without a run are "not measured".
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "poolkit/poolkit.h"

namespace poolkit::tune {

struct TuneOptions {
  std::string backend = "cpu";
  std::string device;  // CompileOptions::device
  int threads = 0;     // 0: all cores
  int warmup = 2;      // untimed runs per candidate (>= 1: the first is the result check)
  int iters = 20;      // timed rounds per unit
  double budget_s = 60;
};

// Called as each unit is done (the text report prints it then, as progress). |timed| lists the
// nodes whose step times the medians sum (per-step timing), or is empty (whole-graph timing).
using UnitDone = std::function<void(const TunedNode& unit, const std::vector<std::string>& timed)>;

// Measures and returns the table: every field but graph, date, machine, poolkit_version and
// source, which describe the invocation rather than the measurement.
TuningTable tune_graph(const Graph& graph, const NamedTensors& feeds, const TuneOptions& options, const UnitDone& on_unit);

}  // namespace poolkit::tune
