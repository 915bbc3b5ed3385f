#!/usr/bin/env bash
# The performance comparison of DESIGN.md "Performance targets", in one command:
#   bash scripts/bench.sh [--quick] [--threads "1 2"] [--only p1,c1] [--reference]
# Installs oneDNN (Debian's libdnnl-dev: the peer; not in install_deps.sh because tests and CI do
# not need it), builds poolkit (scripts/build.sh) and the peer (native/peers/onednn_bench), then
# runs every workload of native/bench/ on each fast poolkit backend compiled in (cpu, vulkan, …)
# and through oneDNN, at 1 and 2 threads, side by side: each workload's runs follow one another
# within seconds, because this machine drifts ±50% between runs (NOTES.md).
# Writes BUILD/bench/results.jsonl (one `bench --json` object per run) and BUILD/bench/results.md
# (the table it prints). BUILD is build/ unless POOLKIT_BENCH_BUILD_DIR names another.
#   --quick      5 timed iterations (1 warm-up) instead of 20–100: a smoke run, noisy numbers
#   --threads    the thread counts to run (default "1 2")
#   --only       comma-separated workload prefixes (p1,c1,f2…)
#   --reference  also time the reference backend (the oracle: plain loops, never fast; it is
#                timed anyway when no other backend is compiled in, to show the pipeline works)
set -euo pipefail
cd "$(dirname "$0")/.."

quick=0 threads="1 2" only="" with_reference=0
while (($#)); do
  case "$1" in
    --quick) quick=1 ;;
    --threads) threads="$2"; shift ;;
    --only) only="$2"; shift ;;
    --reference) with_reference=1 ;;
    -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench.sh: error: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done

# --- install: the peer library, and Debian's python3 for the table (the default python3 on
# these machines is another interpreter; /usr/bin/python3 is Debian's, NOTES.md)
missing=()
for p in libdnnl-dev python3; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if ((${#missing[@]})); then
  echo "bench.sh: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# --- build: poolkit as the README builds it, then the peer (the configure step runs again so
# that a tree configured before oneDNN was installed finds it now)
build="${POOLKIT_BENCH_BUILD_DIR:-build}"
if [ "$build" = build ]; then
  bash scripts/build.sh
else
  bash scripts/install_deps.sh
  [ -f "$build/CMakeCache.txt" ] || cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$build" -j"$(nproc)"
fi
[ -x "$build/bin/onednn_bench" ] || cmake -S . -B "$build" >/dev/null
cmake --build "$build" -j"$(nproc)" --target onednn_bench
poolkit="$build/bin/poolkit" peer="$build/bin/onednn_bench"

# --- which poolkit backends: every compiled-in one but the reference oracle
mapfile -t all_backends < <("$poolkit" devices | sed -n 's/^\([A-Za-z0-9_-]*\):$/\1/p')
backends=()
for b in "${all_backends[@]}"; do
  [ "$b" = reference ] && ((!with_reference)) && continue
  backends+=("$b")
done
note=""
if ((${#backends[@]} == 0)); then
  backends=(reference)
  note="Only the reference backend is compiled in: its times show that the pipeline works, not poolkit's speed."
fi

# --- iterations: enough for a stable median of the millisecond workloads, fewer for the big ones
iters_for() {  # workload backend
  local n
  case "$1" in
    p6_*) n=10 ;;
    p5_*|f1_*) n=20 ;;
    p4_*) n=200 ;;
    *) n=50 ;;
  esac
  ((quick)) && n=5
  [ "$2" = reference ] && ((n > 5)) && n=5  # plain loops: P6 alone takes half a second a run
  echo "$n"
}
warmup=3
((quick)) && warmup=1

out="$build/bench"
mkdir -p "$out"
results="$out/results.jsonl"
: >"$results"

echo "bench.sh: poolkit backends: ${backends[*]}; peer: oneDNN; threads: $threads; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
for graph in native/bench/*.json; do
  name="$(basename "$graph" .json)"
  if [ -n "$only" ]; then
    keep=0
    for prefix in ${only//,/ }; do [[ "$name" == "$prefix"* ]] && keep=1; done
    ((keep)) || continue
  fi
  for t in $threads; do
    for b in "${backends[@]}"; do
      echo "  $name  $b  threads=$t" >&2
      # A backend without a kernel for a node (or without its device) says so and the table
      # shows "—"; the other workloads still run.
      "$poolkit" bench "$graph" --backend "$b" --threads "$t" --iters "$(iters_for "$name" "$b")" \
        --warmup "$warmup" --json >>"$results" || echo "bench.sh: warning: $name on $b skipped (above)" >&2
    done
    echo "  $name  oneDNN  threads=$t" >&2
    check=()
    [ "$t" = "${threads%% *}" ] && check=(--check)  # outputs compared with reference once per workload
    OMP_NUM_THREADS="$t" "$peer" "$graph" --threads "$t" --iters "$(iters_for "$name" onednn)" \
      --warmup "$warmup" "${check[@]}" --json >>"$results" || echo "bench.sh: warning: $name on oneDNN skipped (above)" >&2
  done
done

# --- the table: one row per workload and thread count, one column per backend
/usr/bin/python3 - "$results" "$out/results.md" "$note" "$(cut -d' ' -f1-3 /proc/loadavg)" <<'EOF'
import json, sys
results, md_path, note, load = sys.argv[1:5]
rows = [json.loads(line) for line in open(results) if line.strip()]
poolkit = sorted({r["backend"] for r in rows if not r["backend"].startswith("onednn")})
peers = sorted({r["backend"] for r in rows if r["backend"].startswith("onednn")})
by = {(r["graph"], r["threads"], r["backend"]): r for r in rows}
keys = sorted({(r["graph"], r["threads"]) for r in rows})

def cell(r):
    return "—" if r is None else f'{r["median_ms"]:.3f} ({r["pct_of_copy"]:.0f}%)'

head = ["workload", "thr"] + poolkit + peers + ["copy GB/s"] + [f"{b} ÷ best oneDNN" for b in poolkit]
lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
for g, t in keys:
    got = {b: by.get((g, t, b)) for b in poolkit + peers}
    best_peer = min((got[b]["median_ms"] for b in peers if got[b]), default=None)
    copy = next(r["copy_gbytes_per_s"] for r in got.values() if r)
    ratios = [f'{got[b]["median_ms"] / best_peer:.2f}×' if got[b] and best_peer else "—" for b in poolkit]
    lines.append("| " + " | ".join([g, str(t)] + [cell(got[b]) for b in poolkit + peers] + [f"{copy:.1f}"] + ratios) + " |")

text = "\n".join([
    "# poolkit bench: poolkit vs oneDNN",
    "",
    f"Median wall-clock ms per run (in parentheses: compulsory bytes per second as % of a host memcpy "
    f"moving the same bytes, measured in the same process). Ratio < 1: poolkit is faster than oneDNN's "
    f"fastest layout. Load average at the end: {load}. Raw data: results.jsonl.",
    "",
    "oneDNN layouts: nchw = primitives on plain NCHW; blocked = its preferred layouts, inputs pre-staged "
    "(untimed); nchw-reorder = NCHW in and out through the blocked kernels, reorders timed.",
    "",
] + ([note, ""] if note else []) + lines) + "\n"
open(md_path, "w").write(text)
print(text)
EOF
echo "bench.sh: wrote $results and $out/results.md"
