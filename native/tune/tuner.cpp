#include "tune/tuner.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <memory>
#include <set>

#include "bench/bench_metrics.h"
#include "tune/sign_test.h"

namespace poolkit::tune {
namespace {

using Clock = std::chrono::steady_clock;
using Overrides = std::map<std::string, std::string>;

// Twice DESIGN.md's 1e-5·(1 + |want|): a candidate and the untuned plan may each be that far
// from `reference`, on opposite sides.
constexpr double kTolerance = 2e-5;

bool floats_match(float got, float want) {
  if (std::isnan(got) || std::isnan(want)) return std::isnan(got) && std::isnan(want);
  if (got == want) return true;
  if (std::isinf(got) || std::isinf(want)) return false;
  return std::fabs(double(got) - double(want)) <= kTolerance * (1.0 + std::fabs(double(want)));
}

// "" when |got| matches |want| (float32 within kTolerance, int64 exactly), else the first difference.
std::string compare_results(const NamedTensors& got, const NamedTensors& want) {
  for (const auto& [name, w] : want) {
    const auto it = got.find(name);
    if (it == got.end()) return "output '" + name + "' is missing";
    const Tensor& g = it->second;
    if (g.dtype() != w.dtype() || g.shape() != w.shape()) return "output '" + name + "' has another shape or dtype";
    if (w.dtype() == DType::f32) {
      const auto a = g.data<float>(), b = w.data<float>();
      for (size_t i = 0; i < a.size(); ++i) {
        if (!floats_match(a[i], b[i])) {
          return "output '" + name + "' element " + std::to_string(i) + ": " + std::to_string(a[i]) + ", untuned plan " +
                 std::to_string(b[i]);
        }
      }
    } else {
      const auto a = g.data<int64_t>(), b = w.data<int64_t>();
      for (size_t i = 0; i < a.size(); ++i) {
        if (a[i] != b[i]) {
          return "output '" + name + "' element " + std::to_string(i) + ": " + std::to_string(a[i]) + ", untuned plan " +
                 std::to_string(b[i]);
        }
      }
    }
  }
  return "";
}

struct Candidate {
  TunedCandidate result;
  std::unique_ptr<Session> session;  // null once it is out of the running
  std::vector<std::string> covers;   // the nodes its kernel call runs (the unit's node first)
  std::vector<double> ms;
  std::vector<int> rounds;  // the round of each entry of |ms| (pairs runs with the default's)
};

class Tuner {
 public:
  Tuner(const Graph& graph, const NamedTensors& feeds, const TuneOptions& options)
      : graph_(graph), feeds_(feeds), options_(options), backend_(backend(options.backend)), start_(Clock::now()),
        deadline_(start_ + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(options.budget_s))) {}

  TuningTable run(const UnitDone& on_unit) {
    // The untuned plan: the reference result for every check, and the timing mode.
    untuned_ = std::make_unique<Session>(session({}));
    for (const auto& [name, t] : untuned_->run(feeds_)) expected_.emplace(name, t.clone());  // clones: see below
    step_timing_ = !untuned_->last_node_times().empty();
    // (The untuned plan's outputs are cloned so that its executable may recycle its buffers: a
    // plan that has to fault in fresh output pages every run would be timed unfairly slow.)

    TuningTable table;
    table.backend = options_.backend;
    table.device = backend_.device_name(options_.device);
    table.threads = options_.threads > 0 ? options_.threads : bench::all_cores();
    table.timing = step_timing_ ? "step" : "graph";
    table.warmup = options_.warmup;
    table.iters = options_.iters;
    table.budget_s = options_.budget_s;

    const std::vector<KernelChoice> untuned_kernels = untuned_->kernels();
    for (const KernelChoice& k : untuned_kernels)
      if (k.fused_into.empty()) untuned_heads_.insert(k.node);

    Overrides fixed;             // unit node -> its winner
    std::set<std::string> done;  // nodes tuned, as a unit or inside one
    for (const Node& node : graph_.nodes()) {
      if (done.count(node.name)) continue;
      const TunedNode unit = tune_unit(node, fixed, done);
      fixed[unit.node] = unit.variant;
      done.insert(unit.node);
      done.insert(unit.fuses.begin(), unit.fuses.end());
      table.nodes.push_back(unit);
      on_unit(unit, step_timing_ ? timed_ : std::vector<std::string>{});
    }
    compare_plans(fixed, table);
    for (const TunedNode& n : table.nodes) {
      for (const TunedCandidate& c : n.candidates) {
        const bool short_run = c.status == TunedCandidate::Status::measured && c.runs < options_.iters;
        if (short_run || c.status == TunedCandidate::Status::not_measured) table.complete = false;
      }
    }
    table.spent_s = std::chrono::duration<double>(Clock::now() - start_).count();
    return table;
  }

 private:
  Session session(const Overrides& overrides) const {
    SessionOptions o;
    o.threads = options_.threads;
    o.variants = overrides;
    o.device = options_.device;
    return Session(graph_, options_.backend, std::move(o));
  }

  bool out_of_budget() const { return Clock::now() >= deadline_; }

  // The unit's share of the budget left: its candidates over those of every unit still to come
  // (as the untuned plan groups them) plus two for the closing comparison.
  Clock::time_point unit_deadline(const Node& node, const std::set<std::string>& done, size_t candidates) const {
    double weight_left = 2;
    bool after = false;
    for (const Node& n : graph_.nodes()) {
      after = after || &n == &node;
      if (!after || done.count(n.name) || (&n != &node && !untuned_heads_.count(n.name))) continue;
      weight_left += static_cast<double>(std::max<size_t>(1, &n == &node ? candidates : backend_.variants(n, graph_).size()));
    }
    const auto left = std::max(Clock::duration::zero(), deadline_ - Clock::now());
    return Clock::now() + std::chrono::duration_cast<Clock::duration>(left * (static_cast<double>(candidates) / weight_left));
  }

  // One timed run of |s|: whole-graph wall-clock, or the summed step times of the timed_ nodes'
  // steps (a fused step is named after one of the nodes it covers, all of which are in timed_).
  double measure(Session& s) {
    const auto t0 = Clock::now();
    const NamedTensors out = s.run(feeds_);
    const double wall_ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    if (!step_timing_) return wall_ms;
    double sum = 0;
    for (const Executable::NodeTime& t : s.last_node_times())
      if (timed_.empty() || std::find(timed_.begin(), timed_.end(), t.node) != timed_.end()) sum += t.ms;
    return sum;
  }

  void drop(Candidate& c, TunedCandidate::Status status, const std::string& why) {
    c.result.status = status;
    c.result.why = why;
    c.session.reset();
  }

  TunedNode tune_unit(const Node& node, const Overrides& fixed, const std::set<std::string>& done) {
    TunedNode unit;
    unit.node = node.name;
    unit.op = op_info(node.kind()).name;
    for (ValueId in : node.inputs) unit.input_shapes.push_back(graph_.value(in).shape);

    // The backend's own choice with the earlier units fixed: that plan's session is the
    // default candidate's.
    auto context = std::make_unique<Session>(session(fixed));
    for (const KernelChoice& k : context->kernels())
      if (k.node == node.name) unit.default_variant = k.variant;
    std::vector<std::string> ids = backend_.variants(node, graph_);
    ids.erase(std::remove(ids.begin(), ids.end(), unit.default_variant), ids.end());
    ids.insert(ids.begin(), unit.default_variant);

    std::vector<Candidate> candidates(ids.size());
    for (size_t i = 0; i < ids.size(); ++i) {
      Candidate& c = candidates[i];
      c.result.variant = ids[i];
      if (out_of_budget()) {
        c.result.status = TunedCandidate::Status::not_measured;
        c.result.why = "the budget ran out first";
        continue;
      }
      try {
        if (i == 0) {
          c.session = std::move(context);
        } else {
          Overrides o = fixed;
          o[node.name] = ids[i];
          c.session = std::make_unique<Session>(session(o));
        }
        c.covers = {node.name};
        for (const KernelChoice& k : c.session->kernels())
          if (k.fused_into == node.name) c.covers.push_back(k.node);
        for (int w = 0; w < std::max(1, options_.warmup); ++w) {
          const NamedTensors out = c.session->run(feeds_);
          if (w > 0) continue;
          if (const std::string diff = compare_results(out, expected_); !diff.empty()) {
            drop(c, TunedCandidate::Status::mismatch, diff);
            break;
          }
        }
      } catch (const Error& e) {
        drop(c, e.kind() == ErrorKind::runtime ? TunedCandidate::Status::failed : TunedCandidate::Status::unsupported, e.what());
      }
    }
    // Step times cover the same nodes for every candidate: all that any of them runs.
    timed_.clear();
    for (const Candidate& c : candidates)
      for (const std::string& n : c.covers)
        if (std::find(timed_.begin(), timed_.end(), n) == timed_.end()) timed_.push_back(n);

    const Clock::time_point unit_end = unit_deadline(node, done, candidates.size());
    for (int round = 0; round < options_.iters; ++round) {
      if (out_of_budget() || (round > 0 && Clock::now() >= unit_end)) break;
      for (Candidate& c : candidates) {
        if (!c.session || out_of_budget()) continue;
        try {
          c.ms.push_back(measure(*c.session));
          c.rounds.push_back(round);
        } catch (const Error& e) {
          drop(c, TunedCandidate::Status::failed, e.what());
        }
      }
    }

    const Candidate* winner = nullptr;
    const Candidate& def = candidates.front();
    const bool default_timed = !def.ms.empty();
    for (Candidate& c : candidates) {
      // Paired with the default's run of the same round: a sign test the reader can apply.
      int paired = 0;
      for (size_t i = 0; i < c.ms.size(); ++i) {
        const auto r = std::find(def.rounds.begin(), def.rounds.end(), c.rounds[i]);
        if (r == def.rounds.end()) continue;
        ++paired;
        if (c.ms[i] < def.ms[static_cast<size_t>(r - def.rounds.begin())]) ++c.result.beats_default;
      }
      if (c.session && c.ms.empty()) drop(c, TunedCandidate::Status::not_measured, "the budget ran out first");
      if (c.result.status != TunedCandidate::Status::measured) continue;
      const bench::Timing t = bench::summarize(c.ms);
      c.result.runs = t.iters;
      c.result.median_ms = t.median_ms;
      c.result.min_ms = t.min_ms;
      c.result.max_ms = t.max_ms;
      // The default stays unless a candidate is faster by median AND beat it in significantly
      // many paired rounds: a lower median alone, on this drifting machine, is often noise.
      const bool eligible = &c == &def || !default_timed || sign_test_p(c.result.beats_default, paired) <= kSignificance;
      if (eligible && (!winner || c.result.median_ms < winner->result.median_ms)) winner = &c;  // ties: the earlier
    }
    // Nothing measured: the backend's default stays, fusing what it fuses by default.
    const Candidate& chosen = winner ? *winner : candidates.front();
    unit.variant = chosen.result.variant;
    if (winner) unit.fuses.assign(chosen.covers.begin() + 1, chosen.covers.end());
    if (!winner) {
      for (const KernelChoice& k : untuned_->kernels())
        if (k.fused_into == node.name) unit.fuses.push_back(k.node);
    }
    for (const Candidate& c : candidates) unit.candidates.push_back(c.result);
    return unit;
  }

  // The whole graph untuned vs tuned, side by side, with what is left of the budget.
  void compare_plans(const Overrides& tuned_overrides, TuningTable& table) {
    if (out_of_budget()) return;
    Session tuned = session(tuned_overrides);
    if (const std::string diff = compare_results(tuned.run(feeds_), expected_); !diff.empty()) {
      fail_runtime("the tuned plan's result differs from the untuned plan's: " + diff);
    }
    timed_.clear();  // per-step timing: every step
    std::vector<double> untuned_ms, tuned_ms;
    for (int round = 0; round < options_.iters && !out_of_budget(); ++round) {
      untuned_ms.push_back(measure(*untuned_));
      tuned_ms.push_back(measure(tuned));
    }
    if (untuned_ms.empty()) return;
    table.untuned_ms = bench::summarize(untuned_ms).median_ms;
    table.tuned_ms = bench::summarize(tuned_ms).median_ms;
  }

  const Graph& graph_;
  const NamedTensors& feeds_;
  const TuneOptions& options_;
  Backend& backend_;
  const Clock::time_point start_, deadline_;
  std::unique_ptr<Session> untuned_;
  NamedTensors expected_;
  bool step_timing_ = false;
  std::set<std::string> untuned_heads_;
  std::vector<std::string> timed_;  // nodes whose step times a run sums (empty: all)
};

}  // namespace

TuningTable tune_graph(const Graph& graph, const NamedTensors& feeds, const TuneOptions& options, const UnitDone& on_unit) {
  return Tuner(graph, feeds, options).run(on_unit);
}

}  // namespace poolkit::tune
