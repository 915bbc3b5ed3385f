#!/usr/bin/env bash
# Configures (once) and builds the browser build in build-wasm/ (DESIGN.md "The browser build"):
# the engine compiled with Emscripten (backends reference and cpu, Halide wasm simd128 kernels),
# the embind module and the static site in build-wasm/web/. Needs the native build first: it
# imports the Halide generator from build/ (scripts/build.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install_deps.sh
[ -x build/bin/poolkit_generators ] || bash scripts/build.sh
export NODE_PATH=/usr/share/nodejs  # em++ links need Debian's acorn (NOTES.md)
if [ ! -f build-wasm/CMakeCache.txt ]; then
  emcmake cmake -S . -B build-wasm -DCMAKE_BUILD_TYPE=Release \
    -DHalideHelpers_DIR=/usr/lib/x86_64-linux-gnu/cmake/HalideHelpers14 \
    -Dpoolkit-halide_generators_ROOT="$PWD/build" \
    -DCMAKE_CROSSCOMPILING_EMULATOR=/usr/bin/node >/dev/null
fi
cmake --build build-wasm -j"$(nproc)"
