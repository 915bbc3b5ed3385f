// The counter-based generator: pinned values (the Halide and GLSL copies must reproduce these
// bit for bit), range, independence of keys and rough uniformity.
#include <catch2/catch.hpp>
#include <set>

#include "random/counter_rng.h"

using namespace poolkit;

TEST_CASE("counter rng values are pinned", "[rng]") {
  // If these change, every backend's stochastic picks change: update all three copies together.
  CHECK(rng::bits(0, 0, 0, 0) == 0x0eaa7511U);
  CHECK(rng::bits(42, 1, 2, 3) == 0x7864ee7bU);
  CHECK(rng::bits(0xFFFFFFFF00000001ULL, 7, 0, 99) == 0xbe09722dU);
}

TEST_CASE("counter rng: uniform in 0 to 1, every key word matters", "[rng]") {
  std::set<uint32_t> seen;
  for (uint32_t w = 0; w < 64; ++w) {
    seen.insert(rng::bits(1, 0, 0, w));
    seen.insert(rng::bits(1, 0, 1, w));
    seen.insert(rng::bits(1, 1, 0, w));
    seen.insert(rng::bits(2, 0, 0, w));
    seen.insert(rng::bits(1ULL << 32 | 1, 0, 0, w));
  }
  CHECK(seen.size() == 5 * 64);

  int buckets[10] = {};
  constexpr int kDraws = 100000;
  for (uint32_t i = 0; i < kDraws; ++i) {
    const float u = rng::uniform(7, i % 3, i % 5, i);
    REQUIRE(u >= 0.0f);
    REQUIRE(u < 1.0f);
    ++buckets[static_cast<int>(u * 10)];
  }
  for (int b : buckets) CHECK(std::abs(b - kDraws / 10) < 600);  // > 6 sigma: cannot flake (deterministic anyway)
}
