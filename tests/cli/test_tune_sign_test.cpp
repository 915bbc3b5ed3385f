// The sign test `poolkit tune` uses to decide that a candidate beat the default (native/tune/
// sign_test.h), against exact binomial tails computed with Python's math.comb.
#include <catch2/catch.hpp>

#include "tune/sign_test.h"

using poolkit::tune::kSignificance;
using poolkit::tune::sign_test_p;

TEST_CASE("tune sign test: exact one-sided binomial tails and the thresholds they imply", "[tune]") {
  CHECK(sign_test_p(15, 20) == Approx(0.020694732666015625).epsilon(1e-9));
  CHECK(sign_test_p(14, 20) == Approx(0.057659149169921875).epsilon(1e-9));
  CHECK(sign_test_p(11, 20) == Approx(0.41190147399902344).epsilon(1e-9));
  CHECK(sign_test_p(20, 30) == Approx(0.04936857335269451).epsilon(1e-9));
  CHECK(sign_test_p(19, 30) == Approx(0.10024421103298664).epsilon(1e-9));
  CHECK(sign_test_p(5, 5) == Approx(1.0 / 32).epsilon(1e-9));
  CHECK(sign_test_p(0, 20) == 1.0);
  CHECK(sign_test_p(0, 0) == 1.0);
  // The thresholds README.md and `tune --help` quote: 15 of 20, 5 of 5, never with 4 rounds.
  CHECK(sign_test_p(15, 20) <= kSignificance);
  CHECK(sign_test_p(14, 20) > kSignificance);
  CHECK(sign_test_p(5, 5) <= kSignificance);
  CHECK(sign_test_p(4, 4) > kSignificance);
  // A million rounds stays finite and sane.
  CHECK(sign_test_p(500000, 1000000) == Approx(0.5).margin(0.01));
}
