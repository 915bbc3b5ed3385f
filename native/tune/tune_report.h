// tune_report.h — the text `poolkit tune` prints (without --json): one block per tuned kernel
// call as it completes, then the summary (the tuned vs untuned plan, and what the budget cut).
#pragma once

#include <string>
#include <vector>

#include "poolkit/tuning.h"

namespace poolkit::tune {

// One unit: a line naming the node and what was timed, then a row per candidate with median,
// min, max, runs, the median's ratio to the default's and to the winner's, and the rounds in
// which it beat the default's run of the same round.
std::string unit_report(const TunedNode& unit, const std::vector<std::string>& timed);

// The closing lines: untuned vs tuned plan, budget used, and whatever was not measured.
std::string summary_report(const TuningTable& table);

}  // namespace poolkit::tune
