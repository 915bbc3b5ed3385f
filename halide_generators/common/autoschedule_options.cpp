// The Adams2019 search options for the autoscheduled variants, set in the generator executable.
// Halide 14's Adams2019 takes its options only from environment variables, read when it
// schedules, and add_halide_library cannot set a generator's environment; this static
// initializer runs before GenGen's main. (A second plugin beside the autoscheduler, `-p a,b`,
// would be the other place, but HalideHelpers14 joins a list of plugins into a broken command
// line: "$<JOIN:...>" reaches the shell.) A value already in the build's environment wins
// (overwrite = 0): `HL_BEAM_SIZE=32 cmake --build ...` runs the full search.
//
// POOLKIT_ADAMS2019_BEAM_SIZE (halide_generators/CMakeLists.txt, cache variable of the same name):
// 1 = greedy, one pass; Halide's default is 32 with 5 passes. Measured here (AMD EPYC Zen 5,
// 2 vCPUs, 2026-11-22), one target: P1's max pool 49 s and 0.9 GB at 32 against 3.1 s and
// 0.12 GB at 1, C1's conv 21 s / 0.24 GB against 2.6 s / 0.10 GB; the 5 Adams2019 rows, 3
// targets each: 928 s (up to 9.6 GB) against 9.6 s, for kernels as fast but F1's (1.3x).
#include <cstdlib>

namespace {

const bool options_set = [] {
  setenv("HL_BEAM_SIZE", POOLKIT_ADAMS2019_BEAM_SIZE, /*overwrite=*/0);
  return true;
}();

}  // namespace
