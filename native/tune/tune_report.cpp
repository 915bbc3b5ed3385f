#include "tune/tune_report.h"

#include "tune/sign_test.h"

#include <algorithm>
#include <cstdio>

namespace poolkit::tune {
namespace {

using Status = TunedCandidate::Status;

std::string fixed(double v, int decimals) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, v);
  return text;
}

// Milliseconds with about four significant digits (P4 is microseconds, F1 on lavapipe seconds).
std::string ms(double v) { return fixed(v, v < 0.01 ? 5 : v < 1 ? 4 : v < 100 ? 3 : 1); }

std::string pad(std::string s, size_t width, bool right) {
  if (s.size() >= width) return s;
  return right ? std::string(width - s.size(), ' ') + s : s + std::string(width - s.size(), ' ');
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

const TunedCandidate* find(const TunedNode& unit, const std::string& variant) {
  for (const TunedCandidate& c : unit.candidates)
    if (c.variant == variant && c.status == Status::measured) return &c;
  return nullptr;
}

}  // namespace

std::string unit_report(const TunedNode& unit, const std::vector<std::string>& timed) {
  std::vector<std::string> shapes;
  for (const Shape& s : unit.input_shapes) shapes.push_back(s.str());
  std::string out = "node " + unit.node + " (" + unit.op + " on " + join(shapes) + "): timed: " +
                    (timed.empty() ? "whole graph, wall-clock" : "per-step time of " + join(timed)) + "\n";
  size_t width = 8;
  for (const TunedCandidate& c : unit.candidates) width = std::max(width, c.variant.size());
  out += "  " + pad("variant", width, false) + pad("median_ms", 12, true) + pad("min_ms", 11, true) +
         pad("max_ms", 11, true) + pad("runs", 6, true) + pad("/default", 10, true) + pad("/chosen", 9, true) +
         pad("beats default", 15, true) + "\n";
  const TunedCandidate* def = find(unit, unit.default_variant);
  const TunedCandidate* won = find(unit, unit.variant);
  const TunedCandidate* fastest = nullptr;  // by median alone
  for (const TunedCandidate& c : unit.candidates)
    if (c.status == Status::measured && (!fastest || c.median_ms < fastest->median_ms)) fastest = &c;
  for (const TunedCandidate& c : unit.candidates) {
    out += "  " + pad(c.variant, width, false);
    if (c.status == Status::measured) {
      out += pad(ms(c.median_ms), 12, true) + pad(ms(c.min_ms), 11, true) + pad(ms(c.max_ms), 11, true) +
             pad(std::to_string(c.runs), 6, true) +
             pad(def && def->median_ms > 0 ? fixed(c.median_ms / def->median_ms, 2) + "x" : "-", 10, true) +
             pad(won && won->median_ms > 0 ? fixed(c.median_ms / won->median_ms, 2) + "x" : "-", 9, true) +
             pad(c.variant == unit.default_variant || !def ? "" : std::to_string(c.beats_default) + "/" + std::to_string(c.runs), 15, true);
    } else {
      out += "  " + std::string(status_name(c.status)) + (c.why.empty() ? "" : ": " + c.why);
    }
    std::vector<std::string> tags;
    if (c.variant == unit.default_variant) tags.push_back("default");
    if (c.variant == unit.variant) tags.push_back(unit.fuses.empty() ? "chosen" : "chosen, fuses " + join(unit.fuses));
    if (&c == fastest && c.variant != unit.variant) {
      tags.push_back("fastest median, not chosen: beat the default in " + std::to_string(c.beats_default) + " of " +
                     std::to_string(c.runs) + " rounds, sign test p=" + fixed(sign_test_p(c.beats_default, c.runs), 2) +
                     " > " + fixed(kSignificance, 2));
    }
    if (!tags.empty()) out += "  <- " + join(tags);
    out += "\n";
  }
  return out;
}

std::string summary_report(const TuningTable& t) {
  std::string out;
  std::vector<std::string> changed;
  for (const TunedNode& n : t.nodes)
    if (n.variant != n.default_variant) changed.push_back(n.node + "=" + n.variant);
  if (changed.empty()) {
    out += "chosen: the backend's defaults everywhere\n";
  } else {
    out += "chosen instead of the default: " + join(changed) + "\n";
  }
  if (t.untuned_ms > 0 && t.tuned_ms > 0) {
    out += "whole graph, side by side (" + std::string(t.timing == "step" ? "sum of step times" : "wall-clock") +
           ", medians): untuned " + ms(t.untuned_ms) + " ms, tuned " + ms(t.tuned_ms) + " ms (untuned/tuned " +
           fixed(t.untuned_ms / t.tuned_ms, 2) + "x)" +
           (changed.empty() ? ": the same plan twice, so the difference is this machine's noise" : "") + "\n";
  }
  out += "budget " + fixed(t.budget_s, t.budget_s < 10 ? 2 : 0) + " s, spent " + fixed(t.spent_s, 2) + " s: ";
  if (t.complete) return out + "complete\n";
  out += "CUT SHORT by the budget\n";
  for (const TunedNode& n : t.nodes) {
    std::vector<std::string> missing, short_runs;
    for (const TunedCandidate& c : n.candidates) {
      if (c.status == Status::not_measured) missing.push_back(c.variant);
      if (c.status == Status::measured && c.runs < t.iters) short_runs.push_back(c.variant + " (" + std::to_string(c.runs) + ")");
    }
    if (!missing.empty()) out += "  node " + n.node + ": not measured: " + join(missing) + "\n";
    if (!short_runs.empty()) {
      out += "  node " + n.node + ": fewer than " + std::to_string(t.iters) + " runs: " + join(short_runs) + "\n";
    }
  }
  if (t.untuned_ms == 0) out += "  untuned vs tuned plan: not measured\n";
  return out;
}

}  // namespace poolkit::tune
