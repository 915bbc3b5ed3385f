#!/usr/bin/env bash
# Installs the Debian packages poolkit needs, skipping what is present (idempotent; seconds when
# everything is installed). Run as root on Debian 12.
set -euo pipefail

packages=(
  cmake g++ make pkg-config        # toolchain
  catch2                           # tests (Catch2 v2)
  nlohmann-json3-dev               # graph JSON
  libcli11-dev                     # the poolkit command line
  libstb-dev                       # PNG in/out for the demo
  libhalide14-0-dev                # the cpu backend's kernel generators (Halide 14, AOT)
  glslang-tools spirv-tools        # GLSL -> SPIR-V and its validator (vulkan backend)
  libvulkan-dev                    # Vulkan headers + loader
  mesa-vulkan-drivers              # lavapipe: a conformant CPU Vulkan driver (CI has no GPU)
  vulkan-validationlayers          # tests run with the validation layer on
  emscripten                       # the browser build (em++ 3.1.6; scripts/build_wasm.sh)
  chromium                         # the browser test (Debian's: never a downloaded browser)
)
# node and npm (the browser build's tests): the machine image ships them; Debian's only if missing.
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)

missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "poolkit: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
