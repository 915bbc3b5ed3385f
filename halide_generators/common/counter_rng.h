// engine/src/random/counter_rng.h as Halide Exprs, bit for bit: the counter-based generator keyed
// by (seed, n, c, window) that stochastic pooling and seeded fractional pooling draw from, so the
// cpu backend picks exactly the elements the reference picks. Everything is UInt(32): Halide's
// unsigned multiply wraps modulo 2^32 and >> on an unsigned value is a logical shift, as in C++.
// Mirror any change to the C++ generator here (tests/unit/test_counter_rng.cpp pins its values;
// the conformance suite compares the picks).
#pragma once

#include <cstdint>

#include "Halide.h"

namespace poolkit_gen::rng {

using namespace Halide;

inline Expr u32(uint32_t v) { return Expr(v); }  // a UInt(32) constant

inline Expr mix32(Expr x) {
  x = x ^ (x >> 16);
  x = x * u32(0x7feb352dU);
  x = x ^ (x >> 15);
  x = x * u32(0x846ca68bU);
  x = x ^ (x >> 16);
  return x;
}

// rng::bits with the 64-bit seed passed as its low and high words (UInt(32) Exprs); |n|, |c| and
// |window| are cast to UInt(32) (C++ takes them modulo 2^32; ours are all below 2^31).
inline Expr bits(const Expr& seed_lo, const Expr& seed_hi, const Expr& n, const Expr& c, const Expr& window) {
  Expr h = mix32(cast<uint32_t>(seed_lo) ^ u32(0x9e3779b9U));
  h = mix32(h ^ cast<uint32_t>(seed_hi));
  h = mix32(h ^ cast<uint32_t>(n));
  h = mix32(h ^ cast<uint32_t>(c));
  h = mix32(h ^ cast<uint32_t>(window));
  return h;
}

// rng::uniform: 24 random bits scaled into [0, 1). Both steps are exact in float32 (an integer
// below 2^24, then a power-of-two scale), so no fast-math rewrite can change the value.
inline Expr uniform(const Expr& seed_lo, const Expr& seed_hi, const Expr& n, const Expr& c, const Expr& window) {
  return cast<float>(bits(seed_lo, seed_hi, n, c, window) >> 8) * (1.0f / 16777216.0f);
}

}  // namespace poolkit_gen::rng
