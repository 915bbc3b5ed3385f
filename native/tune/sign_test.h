// sign_test.h — how `poolkit tune` decides that a candidate really is faster than the default.
//
// Runs are interleaved, so each timed run of a candidate has a partner: the default's run of the
// same round, under the same machine conditions. If the two were equally fast, the candidate
// would win each pair with probability 1/2; winning |wins| of |pairs| has the one-sided p-value
// P(X >= wins), X ~ Binomial(pairs, 1/2). The sign test assumes nothing about the shape of the
// timing distribution, which on a shared machine is anything but normal (long tails of
// descheduled runs).
#pragma once

namespace poolkit::tune {

// A candidate replaces the default only when its win count is this unlikely under "equally
// fast": 5%, the conventional level. With 20 rounds that takes 15 wins; 5 rounds need all 5;
// with 4 or fewer rounds no candidate can ever replace the default.
inline constexpr double kSignificance = 0.05;

// P(X >= wins) for X ~ Binomial(pairs, 1/2); 1 when pairs == 0.
double sign_test_p(int wins, int pairs);

}  // namespace poolkit::tune
