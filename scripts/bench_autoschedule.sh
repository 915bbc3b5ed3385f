#!/usr/bin/env bash
# Hand vs automatic Halide schedules on the benchmark shapes (not part of CI: a tuning experiment).
#   bash scripts/bench_autoschedule.sh [--build DIR] [--beam N] [--rounds R] [--threads "1 2"]
#                                      [--iters N] [--only p1,c1] [--no-tests]
# Configures DIR (default build) with -DPOOLKIT_HALIDE_AUTOSCHEDULED=ON (the default; forced here
# for trees configured before) and the given Adams2019 beam (default 1, the build's default;
# Halide's own 32 took ~100x the generator time: use another DIR, e.g. --build build-beam32 --beam 32),
# builds it, runs the conformance tests (every variant against reference, the autoscheduled
# ones included), then times each workload's variants with `poolkit bench --variant NODE=ID`:
# the planner's default (hand), the hand schedule of the algorithm the autoschedulers get
# (direct loops), and the three autoschedulers. Rounds alternate all variants and thread counts,
# so drift hits them alike (NOTES.md: ±50% between runs); the table is the median over rounds of
# each run's median.
# Writes DIR/bench-autoschedule/results.jsonl and results.md.
set -euo pipefail
cd "$(dirname "$0")/.."

build=build beam=1 rounds=5 threads="1 2" iters="" only="" tests=1
while (($#)); do
  case "$1" in
    --build) build="$2"; shift ;;
    --beam) beam="$2"; shift ;;
    --rounds) rounds="$2"; shift ;;
    --threads) threads="$2"; shift ;;
    --iters) iters="$2"; shift ;;
    --only) only="$2"; shift ;;
    --no-tests) tests=0 ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench_autoschedule.sh: error: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done

# --- build (the generator runs of the 15 autoscheduled rows are timed by the build log only)
bash scripts/install_deps.sh
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DPOOLKIT_HALIDE_AUTOSCHEDULED=ON \
  -DPOOLKIT_ADAMS2019_BEAM_SIZE="$beam" >/dev/null
nice cmake --build "$build" -j"$(nproc)"
poolkit="$build/bin/poolkit"

# --- conformance: every variant, autoscheduled ones included, against reference
if ((tests)); then
  ctest --test-dir "$build" --output-on-failure -j"$(nproc)" -R conformance
fi

# --- the comparison: workload, node to override, then variants (first: "default" = the planner's pick)
workloads=(
  "p1_max2x2 p default max_pool2d__k2s2__v16_r8 max_pool2d__k2s2__adams2019 max_pool2d__k2s2__mullapudi2016 max_pool2d__k2s2__li2018"
  "p2_max3x3s2p1 p default max_pool2d__k3s2__v16_r8 max_pool2d__k3s2__adams2019 max_pool2d__k3s2__mullapudi2016 max_pool2d__k3s2__li2018"
  "p3_avg2x2 p default avg_pool2d__k2s2__v16_r8 avg_pool2d__k2s2__adams2019 avg_pool2d__k2s2__mullapudi2016 avg_pool2d__k2s2__li2018"
  "c1_conv3x3 c default conv2d__k3__v16_co8_r2 conv2d__k3__adams2019 conv2d__k3__mullapudi2016 conv2d__k3__li2018"
  "f1_conv_relu_max c default conv2d_relu_max_pool2d__k3p2__v8_co8 conv2d_relu_max_pool2d__k3p2__adams2019 conv2d_relu_max_pool2d__k3p2__mullapudi2016 conv2d_relu_max_pool2d__k3p2__li2018"
)
iters_for() {  # workload variant: enough for a stable median; Li2018's slow schedules get fewer
  [ -n "$iters" ] && { echo "$iters"; return; }
  case "$1:$2" in
    f1_*:*li2018|f1_*:*mullapudi2016|f1_*:*adams2019) echo 5 ;;
    f1_*|c1_*:*li2018|c1_*:*mullapudi2016|c1_*:*adams2019) echo 10 ;;
    *) echo 30 ;;
  esac
}

out="$build/bench-autoschedule"
mkdir -p "$out"
results="$out/results.jsonl"
: >"$results"
echo "bench_autoschedule.sh: $rounds rounds, threads: $threads, Adams2019 beam $beam; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
for ((round = 1; round <= rounds; round++)); do
  for w in "${workloads[@]}"; do
    read -r name node variants <<<"$w"
    if [ -n "$only" ]; then
      keep=0
      for prefix in ${only//,/ }; do [[ "$name" == "$prefix"* ]] && keep=1; done
      ((keep)) || continue
    fi
    for t in $threads; do
      for v in $variants; do
        echo "  round $round  $name  $v  threads=$t" >&2
        args=()
        [ "$v" = default ] || args=(--variant "$node=$v")
        "$poolkit" bench "native/bench/$name.json" --backend cpu --threads "$t" --iters "$(iters_for "$name" "$v")" \
          --warmup 2 "${args[@]}" --json |
          sed "s/^{/{\"round\":$round,\"requested\":\"$v\",/" >>"$results" ||
          echo "bench_autoschedule.sh: warning: $name $v skipped (above)" >&2
      done
    done
  done
done

# --- the table: median over rounds of each run's median; ratio to the planner's default
/usr/bin/python3 - "$results" "$out/results.md" "$(cut -d' ' -f1-3 /proc/loadavg)" "$rounds" "$beam" <<'EOF'
import json, statistics, sys
results, md_path, load, rounds, beam = sys.argv[1:6]
rows = [json.loads(line) for line in open(results) if line.strip()]
runs = {}
for r in rows:
    runs.setdefault((r["graph"], r["requested"], r["threads"]), []).append(r)
graphs = list(dict.fromkeys(r["graph"] for r in rows))
threads = sorted({r["threads"] for r in rows})
head = ["workload", "variant"] + [f"{t} thr ms (× default)" for t in threads]
lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
for g in graphs:
    for req in dict.fromkeys(r["requested"] for r in rows if r["graph"] == g):
        cells = []
        for t in threads:
            got = runs.get((g, req, t))
            base = runs.get((g, "default", t))
            if not got:
                cells.append("—")
                continue
            m = statistics.median(x["median_ms"] for x in got)
            b = statistics.median(x["median_ms"] for x in base) if base else None
            cells.append(f"{m:.3f} ({m / b:.2f}×)" if b else f"{m:.3f}")
        name = req if req != "default" else "default: " + runs[(g, req, threads[0])][0]["variant"]
        lines.append("| " + " | ".join([g, f"`{name}`"] + cells) + " |")
text = "\n".join([
    "# Hand vs autoscheduled Halide variants",
    "",
    f"Median over {rounds} alternating rounds of each run's median wall-clock ms (poolkit bench, cpu "
    f"backend); in parentheses the ratio to the planner's default (hand schedule). Adams2019 beam "
    f"size {beam}. Load average at the end: {load}. Raw data: results.jsonl.",
    "",
] + lines) + "\n"
open(md_path, "w").write(text)
print(text)
EOF
echo "bench_autoschedule.sh: wrote $results and $out/results.md"
