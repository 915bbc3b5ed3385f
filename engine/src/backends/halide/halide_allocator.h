// Halide's scratch allocations through a cache of freed large blocks (halide_allocator.cpp).
#pragma once

namespace poolkit::halide {

// Makes Halide's halide_malloc/halide_free use the cache; called once, before any kernel runs.
void install_cached_allocator();

}  // namespace poolkit::halide
