// The default bandwidth roofline: host memcpy, split across |threads| threads like a parallel
// kernel would be. Bytes counted = read + written, the same way `bench` counts a kernel's traffic.
#include <algorithm>
#include <chrono>
#include <cstring>
#include <thread>
#include <vector>

#include "poolkit/backend.h"

namespace poolkit {

double Backend::copy_gbytes_per_s(int64_t bytes, int iters, int threads) {
  const size_t n = static_cast<size_t>(std::max<int64_t>(bytes, 4096));
  std::vector<char> src(n, 1), dst(n, 0);
  const int t = std::max(1, threads > 0 ? threads : static_cast<int>(std::thread::hardware_concurrency()));
  const size_t chunk = (n + static_cast<size_t>(t) - 1) / static_cast<size_t>(t);
  // One sample = |reps| copies by each of |t| threads over its own chunk. Threads start once per
  // sample and reps grow until a sample lasts >= 2 ms, so thread start-up is noise, not signal.
  auto sample = [&](int reps) {
    const auto t0 = std::chrono::steady_clock::now();
    std::vector<std::thread> workers;
    for (int i = 0; i < t; ++i) {
      const size_t begin = std::min(n, chunk * static_cast<size_t>(i)), end = std::min(n, begin + chunk);
      workers.emplace_back([&, begin, end] {
        for (int r = 0; r < reps; ++r) std::memcpy(dst.data() + begin, src.data() + begin, end - begin);
      });
    }
    for (auto& w : workers) w.join();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() / reps;
  };
  int reps = 1;
  while (sample(reps) * reps < 2e-3 && reps < (1 << 20)) reps *= 2;  // also the warm-up
  std::vector<double> seconds;
  for (int i = 0; i < std::max(1, iters); ++i) seconds.push_back(sample(reps));
  std::nth_element(seconds.begin(), seconds.begin() + static_cast<long>(seconds.size() / 2), seconds.end());
  return 2.0 * static_cast<double>(n) / seconds[seconds.size() / 2] / 1e9;
}

}  // namespace poolkit
