// Halide's parallel loops on a pool of spinning workers (halide_thread_pool.cpp).
#pragma once

namespace poolkit::halide {

// Makes Halide's halide_do_par_for run on the pool; called once, before any kernel runs.
void install_spin_pool();
// Threads working on each parallel loop, the caller included (1: loops run in the caller).
void set_spin_pool_threads(int threads);

// While one lives, parallel loops started on this thread run in it alone: a step too small to
// pay for waking a worker (the cpu backend decides per step, halide_backend.cpp).
class SerialLoops {
 public:
  explicit SerialLoops(bool serial);
  ~SerialLoops();
  SerialLoops(const SerialLoops&) = delete;
  SerialLoops& operator=(const SerialLoops&) = delete;

 private:
  bool was_;
};

}  // namespace poolkit::halide
