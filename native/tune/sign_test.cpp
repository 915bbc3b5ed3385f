#include "tune/sign_test.h"

#include <cmath>

namespace poolkit::tune {

double sign_test_p(int wins, int pairs) {
  if (pairs <= 0 || wins <= 0) return 1.0;
  if (wins > pairs) return 0.0;
  // Sum of C(n, i) / 2^n for i >= wins, in log space (n may be a million rounds).
  const double n = pairs;
  double p = 0;
  for (int i = wins; i <= pairs; ++i) {
    p += std::exp(std::lgamma(n + 1) - std::lgamma(i + 1.0) - std::lgamma(n - i + 1) - n * std::log(2.0));
  }
  return p < 1.0 ? p : 1.0;
}

}  // namespace poolkit::tune
