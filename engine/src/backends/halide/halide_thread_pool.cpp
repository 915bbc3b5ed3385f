// Halide's parallel loops (halide_do_par_for) on a small pool whose workers spin for a while
// between jobs before they sleep, as OpenMP's do. Halide's own pool puts idle workers to sleep
// at once; waking one took long enough on this (virtualized, shared) machine that the calling
// thread had run most of a short job's tasks alone by then: C1 with 2 threads ran at its 1-thread
// speed (the worker did 12% of the work, perf), while oneDNN's spinning OpenMP threads scaled.
// With this pool, 2 threads, alternating runs (2026-11-22, load average 2.3-3.7): C1 0.56-0.70 ->
// 0.42-0.59 ms, F2 0.30 -> 0.17-0.30, P1 0.18-0.24 -> 0.135-0.143; 1 thread unchanged.
#include "backends/halide/halide_thread_pool.h"

#include <HalideRuntime.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define POOLKIT_PAUSE() _mm_pause()
#else
#define POOLKIT_PAUSE() std::this_thread::yield()
#endif

namespace poolkit::halide {
namespace {

// How long an idle worker spins before it sleeps: a benchmark or a network's next layer calls
// again within this, and a sleeping worker costs a wake-up.
constexpr auto kSpin = std::chrono::microseconds(2000);

thread_local bool in_task = false;  // nested parallel loops run serially in their task
thread_local bool serial_loops = false;  // SerialLoops: this thread's loops run in it alone

class SpinPool {
 public:
  // Total threads working on a loop, the caller included. Where threads cannot be started (a
  // browser build without pthreads), loops run in the caller.
  void set_size(int threads) {
    std::lock_guard<std::mutex> lock(resize_mu_);
    const int workers = threads > 1 ? threads - 1 : 0;
    if (workers == worker_count_.load()) return;
    stop_all();
    try {
      for (int i = 0; i < workers; ++i) workers_.emplace_back([this] { worker(); });
    } catch (const std::system_error&) {
    }
    worker_count_.store(static_cast<int>(workers_.size()));
  }

  int run(void* uc, halide_task_t task, int min, int size, uint8_t* closure) {
    bool expected = false;
    if (in_task || serial_loops || size <= 1 || worker_count_.load() == 0 || !busy_.compare_exchange_strong(expected, true)) {
      return serial(uc, task, min, size, closure);  // nested, small step, one task, single-threaded or pool in use
    }
    // Publish the job: fields first, then the claim counter tagged with the new generation
    // (a worker still leaving the previous job cannot claim an index of this one), then wake.
    const uint32_t gen = ++generation_;
    uc_.store(uc, std::memory_order_relaxed);
    task_.store(task, std::memory_order_relaxed);
    min_.store(min, std::memory_order_relaxed);
    size_.store(size, std::memory_order_relaxed);
    closure_.store(closure, std::memory_order_relaxed);
    result_.store(0, std::memory_order_relaxed);
    done_.store(0, std::memory_order_relaxed);
    claim_.store(static_cast<uint64_t>(gen) << 32, std::memory_order_release);
    published_.store(gen);  // seq_cst with the load of sleepers_ below and the workers' mirror:
    if (sleepers_.load() > 0) {  // one of the two sides sees the other (no lost wake-up)
      std::lock_guard<std::mutex> lock(sleep_mu_);
      wake_.notify_all();
    }
    work(gen);
    while (done_.load(std::memory_order_acquire) < size) POOLKIT_PAUSE();
    const int result = result_.load(std::memory_order_relaxed);
    busy_.store(false, std::memory_order_release);
    return result;
  }

 private:
  static int serial(void* uc, halide_task_t task, int min, int size, uint8_t* closure) {
    for (int i = 0; i < size; ++i)
      if (const int r = task(uc, min + i, closure)) return r;
    return 0;
  }

  // Claims and runs tasks of generation |gen| until none is left.
  void work(uint32_t gen) {
    const bool was_in_task = in_task;
    in_task = true;
    for (;;) {
      uint64_t c = claim_.load(std::memory_order_acquire);
      int index;
      do {
        index = static_cast<int>(c & 0xffffffffu);
        if (static_cast<uint32_t>(c >> 32) != gen || index >= size_.load(std::memory_order_relaxed)) {
          in_task = was_in_task;
          return;
        }
      } while (!claim_.compare_exchange_weak(c, c + 1, std::memory_order_acq_rel));
      const halide_task_t task = task_.load(std::memory_order_relaxed);
      const int r = task(uc_.load(std::memory_order_relaxed), min_.load(std::memory_order_relaxed) + index,
                         closure_.load(std::memory_order_relaxed));
      if (r) result_.store(r, std::memory_order_relaxed);
      done_.fetch_add(1, std::memory_order_acq_rel);
    }
  }

  void worker() {
    uint32_t seen = published_.load(std::memory_order_acquire);
    while (!stop_.load(std::memory_order_acquire)) {
      const auto idle_since = std::chrono::steady_clock::now();
      uint32_t gen;
      int spins = 0;
      while ((gen = published_.load(std::memory_order_acquire)) == seen && !stop_.load(std::memory_order_acquire)) {
        POOLKIT_PAUSE();
        if (++spins % 1024 == 0 && std::chrono::steady_clock::now() - idle_since > kSpin) {
          std::unique_lock<std::mutex> lock(sleep_mu_);
          sleepers_.fetch_add(1);
          wake_.wait(lock, [&] { return published_.load() != seen || stop_.load(); });
          sleepers_.fetch_sub(1);
        }
      }
      if (stop_.load(std::memory_order_acquire)) return;
      seen = gen;
      work(gen);
    }
  }

  void stop_all() {
    {
      std::lock_guard<std::mutex> lock(sleep_mu_);
      stop_.store(true, std::memory_order_release);
      wake_.notify_all();
    }
    for (std::thread& w : workers_) w.join();
    workers_.clear();
    stop_.store(false, std::memory_order_release);
  }

  std::mutex resize_mu_;
  std::vector<std::thread> workers_;
  std::atomic<int> worker_count_{0};
  std::atomic<bool> busy_{false}, stop_{false};
  std::atomic<uint32_t> generation_{0}, published_{0};
  std::atomic<uint64_t> claim_{0};  // generation << 32 | next task index
  std::atomic<int> done_{0}, result_{0}, sleepers_{0};
  std::mutex sleep_mu_;
  std::condition_variable wake_;
  // The current job, written by the caller before it publishes the generation (atomics: a worker
  // leaving the previous job may still read size_ while they change).
  std::atomic<void*> uc_{nullptr};
  std::atomic<halide_task_t> task_{nullptr};
  std::atomic<int> min_{0}, size_{0};
  std::atomic<uint8_t*> closure_{nullptr};
};

SpinPool& pool() {
  static SpinPool* p = new SpinPool;  // never destroyed: its threads live as long as the process
  return *p;
}

int spin_pool_do_par_for(void* uc, halide_task_t task, int min, int size, uint8_t* closure) {
  return pool().run(uc, task, min, size, closure);
}

}  // namespace

void install_spin_pool() { halide_set_custom_do_par_for(spin_pool_do_par_for); }

void set_spin_pool_threads(int threads) { pool().set_size(threads); }

SerialLoops::SerialLoops(bool serial) : was_(serial_loops) { serial_loops = was_ || serial; }
SerialLoops::~SerialLoops() { serial_loops = was_; }

}  // namespace poolkit::halide
