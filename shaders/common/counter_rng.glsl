// GLSL mirror of engine/src/random/counter_rng.h, bit for bit: 32-bit unsigned multiply, xor and
// shift only (GLSL uint arithmetic wraps modulo 2^32 as C++'s uint32_t does). Change both
// together, and tests/unit/test_counter_rng.cpp's pinned values.
#ifndef POOLKIT_COUNTER_RNG_GLSL
#define POOLKIT_COUNTER_RNG_GLSL

uint pk_mix32(uint x) {
  x ^= x >> 16;
  x *= 0x7feb352du;
  x ^= x >> 15;
  x *= 0x846ca68bu;
  x ^= x >> 16;
  return x;
}

// rng::bits(seed, n, c, window) with the 64-bit seed given as (lo, hi).
uint pk_rng_bits(uint seed_lo, uint seed_hi, uint n, uint c, uint window) {
  uint h = pk_mix32(seed_lo ^ 0x9e3779b9u);
  h = pk_mix32(h ^ seed_hi);
  h = pk_mix32(h ^ n);
  h = pk_mix32(h ^ c);
  h = pk_mix32(h ^ window);
  return h;
}

// rng::uniform: 24 random bits scaled by 2^-24, exact in float32.
float pk_rng_uniform(uint seed_lo, uint seed_hi, uint n, uint c, uint window) {
  return float(pk_rng_bits(seed_lo, seed_hi, n, c, window) >> 8) * (1.0 / 16777216.0);
}

#endif
