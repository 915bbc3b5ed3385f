#!/usr/bin/env bash
# The README's test command: builds poolkit and runs every test: the native ctest, then the
# browser build's (engine tests and the embind modules under node, then the page in Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
ctest --test-dir build --output-on-failure -j"$(nproc)"

bash scripts/build_wasm.sh
ctest --test-dir build-wasm --output-on-failure -j"$(nproc)"
ctest --test-dir build-wasm-threads --output-on-failure -j"$(nproc)"  # the threaded module at 2 threads
(cd web && npm ci --no-audit --no-fund --loglevel=error)
node web/tests/browser_test.mjs build-wasm/web build/bin/poolkit build-wasm/screenshots
# The page picks the threaded module when cross-origin isolated, the single-threaded one otherwise.
node web/tests/browser_threads_test.mjs build-wasm/web
