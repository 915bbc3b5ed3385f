#!/usr/bin/env bash
# poolkit's wasm build vs TensorFlow.js's wasm backend (XNNPACK), in node and in headless
# Chromium, side by side in one run (DESIGN.md "Performance targets": P1-P4 and C1):
#   bash scripts/bench_wasm.sh [--json] [--quick] [--only p1,c1] [--env node,chromium]
#                              [--threads 1,2] [--samples N]
# Builds the browser build (scripts/build_wasm.sh: both modules), installs tfjs and
# playwright-core from web/package-lock.json (npm ci), then runs web/bench/bench_wasm.mjs, which
# prints the table (medians; ratio = poolkit ÷ tfjs) or, with --json, one JSON object per line.
# What is timed and how (layouts, warm-up, interleaving): web/bench/bench_core.mjs.
#   --quick      5 samples after a short warm-up: a smoke run, noisy numbers
#   --only       comma-separated workload prefixes (p1,p2,p3,p4,c1)
#   --env        node, chromium or both (default)
#   --threads    1, 2 or both (default); tfjs runs threads only in Chromium
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build_wasm.sh >&2
(cd web && npm ci --no-audit --no-fund --loglevel=error >&2)
exec node web/bench/bench_wasm.mjs "$@"
