// Halide's parallel loops on a pool of spinning workers (halide_thread_pool.cpp).
#pragma once

namespace poolkit::halide {

// Makes Halide's halide_do_par_for run on the pool; called once, before any kernel runs.
void install_spin_pool();
// Threads working on each parallel loop, the caller included (1: loops run in the caller).
void set_spin_pool_threads(int threads);

}  // namespace poolkit::halide
