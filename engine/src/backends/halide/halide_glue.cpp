#include "backends/halide/halide_glue.h"

#include "backends/halide/halide_allocator.h"
#include "backends/halide/halide_thread_pool.h"

#include <HalideRuntime.h>

#include <atomic>
#include <thread>

#include "poolkit/errors.h"

namespace poolkit::halide {
namespace {

thread_local std::string last_halide_error;

void capture_error(void*, const char* message) { last_halide_error = message ? message : "(no message)"; }

// Installed once per process, before the first kernel runs (Halide calls the handler on failure
// instead of printing and aborting).
const bool kHandlerInstalled = [] {
  halide_set_error_handler(capture_error);
  install_cached_allocator();
  install_spin_pool();
  return true;
}();

}  // namespace

std::array<int64_t, 4> as_nchw(const Shape& s, bool one_dimensional) {
  const auto& d = s.dims();
  if (one_dimensional) return s.rank() == 3 ? std::array<int64_t, 4>{d[0], d[1], 1, d[2]} : std::array<int64_t, 4>{1, d[0], 1, d[1]};
  return s.rank() == 4 ? std::array<int64_t, 4>{d[0], d[1], d[2], d[3]} : std::array<int64_t, 4>{1, d[0], d[1], d[2]};
}

// Called before every run: at microsecond scale both calls below are visible. glibc's
// hardware_concurrency() opens and reads /sys/devices/system/cpu/online each time (5 us of a
// 10 us P4 run, perf, 2026-11-22), so it is read once; the pool is resized only on change.
int resolved_threads(int threads) {
  static const int all = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  return threads > 0 ? threads : all;
}

void set_threads(int threads) {
  (void)kHandlerInstalled;
  static std::atomic<int> current{0};
  const int want = resolved_threads(threads);
  if (current.exchange(want) != want) set_spin_pool_threads(want);
}

void check(int result, std::string_view variant_id) {
  if (result != 0) {
    std::string msg = last_halide_error;
    for (char& ch : msg)
      if (ch == '\n') ch = ' ';
    fail_runtime("cpu kernel " + std::string(variant_id) + " failed (" + std::to_string(result) + "): " + msg);
  }
}

}  // namespace poolkit::halide
