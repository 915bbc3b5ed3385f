#!/usr/bin/env bash
# Configures (once) and builds the browser build (DESIGN.md "The browser build"): the engine
# compiled with Emscripten (backends reference and cpu), twice:
#   build-wasm/          single-threaded, Halide wasm_simd128 kernels: the embind module, the
#                        engine tests and the static site in build-wasm/web/;
#   build-wasm-threads/  every object -pthread, Halide wasm_simd128 + wasm_threads kernels: the
#                        threaded module, linked straight into build-wasm/web/ (the page loads it
#                        when cross-origin isolated, web/site/poolkit.js).
# Two trees because a shared-memory link needs every object compiled with -pthread.
# Needs the native build first: it imports the Halide generator from build/ (scripts/build.sh).
#   POOLKIT_WASM_THREADS=0 skips the threaded build (the page then always loads the other).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install_deps.sh
[ -x build/bin/poolkit_generators ] || bash scripts/build.sh
export NODE_PATH=/usr/share/nodejs  # em++ links need Debian's acorn (NOTES.md)

configure() {  # configure BUILD_DIR [extra cmake args...], once
  local dir="$1"; shift
  [ -f "$dir/CMakeCache.txt" ] && return 0
  emcmake cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release \
    -DHalideHelpers_DIR=/usr/lib/x86_64-linux-gnu/cmake/HalideHelpers14 \
    -Dpoolkit-halide_generators_ROOT="$PWD/build" \
    -DCMAKE_CROSSCOMPILING_EMULATOR=/usr/bin/node "$@" >/dev/null
}

configure build-wasm
cmake --build build-wasm -j"$(nproc)"
if [ "${POOLKIT_WASM_THREADS:-1}" != 0 ]; then
  configure build-wasm-threads -DPOOLKIT_WASM_THREADS=ON -DPOOLKIT_WEB_DIR="$PWD/build-wasm/web"
  cmake --build build-wasm-threads -j"$(nproc)"
fi
