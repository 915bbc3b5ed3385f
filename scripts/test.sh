#!/usr/bin/env bash
# The README's test command: builds poolkit and runs every test: the native ctest, then the
# browser build's (engine tests and the embind module under node, then the page in Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
ctest --test-dir build --output-on-failure -j"$(nproc)"

bash scripts/build_wasm.sh
ctest --test-dir build-wasm --output-on-failure -j"$(nproc)"
(cd web && npm ci --no-audit --no-fund --loglevel=error)
node web/tests/browser_test.mjs build-wasm/web build/bin/poolkit build-wasm/screenshots
