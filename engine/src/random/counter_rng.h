// The counter-based generator behind stochastic pooling and seeded fractional pooling.
//
// A pure function of (seed, n, c, window): no state, so every backend — reference, Halide (host
// and wasm), GLSL — picks exactly the same elements whatever order it visits windows in. It uses
// only 32-bit unsigned multiply, xor and shift, which Halide Exprs and GLSL `uint` express bit for
// bit (GLSL has no portable 64-bit integers). The mixer is Chris Wellons' "lowbias32" integer hash
// (bias ≈ 0.17), chained over the key words; mirror any change here in the Halide and GLSL copies
// and in tests/unit/test_counter_rng.cpp's pinned values.
#pragma once

#include <cstdint>

namespace poolkit::rng {

constexpr uint32_t mix32(uint32_t x) {
  x ^= x >> 16;
  x *= 0x7feb352dU;
  x ^= x >> 15;
  x *= 0x846ca68bU;
  x ^= x >> 16;
  return x;
}

// 32 random bits for (seed, n, c, window). |n|, |c| and |window| are taken modulo 2^32.
constexpr uint32_t bits(uint64_t seed, uint32_t n, uint32_t c, uint32_t window) {
  uint32_t h = mix32(static_cast<uint32_t>(seed) ^ 0x9e3779b9U);
  h = mix32(h ^ static_cast<uint32_t>(seed >> 32));
  h = mix32(h ^ n);
  h = mix32(h ^ c);
  h = mix32(h ^ window);
  return h;
}

// A float in [0, 1) with 24 random bits: exact in float32, identical on every backend.
constexpr float uniform(uint64_t seed, uint32_t n, uint32_t c, uint32_t window) {
  return static_cast<float>(bits(seed, n, c, window) >> 8) * (1.0f / 16777216.0f);
}

}  // namespace poolkit::rng
