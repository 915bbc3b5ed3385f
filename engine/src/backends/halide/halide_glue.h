// The boundary between poolkit tensors and Halide's runtime: buffers, threads, errors.
#pragma once

#include <HalideBuffer.h>

#include <array>
#include <initializer_list>
#include <span>
#include <string>
#include <vector>

#include "poolkit/errors.h"
#include "poolkit/tensor.h"

namespace poolkit::halide {

// NCHW row-major maps to Halide dims reversed: a tensor viewed as |dims| (outermost first, e.g.
// {N, C, H, W}) becomes a Halide buffer with dim 0 = W, dim 1 = H, ... Dense, no copy, and no
// heap allocation (the shape lives in the buffer for up to 4 dims, in a local array here): at
// P4's 5 us a call, the kernel calls' vectors were a visible share of the run's mallocs. Halide
// extents and strides are int32: supports() keeps tensors of 2^31 or more elements away.
template <class T>
Halide::Runtime::Buffer<T> view(const Tensor& t, std::span<const int64_t> dims) {
  constexpr size_t kMaxRank = 8;
  if (dims.size() > kMaxRank) fail_runtime("cpu backend: a Halide view of rank " + std::to_string(dims.size()));
  halide_dimension_t shape[kMaxRank];
  int32_t stride = 1;
  for (size_t i = 0; i < dims.size(); ++i) {
    const int64_t d = dims[dims.size() - 1 - i];
    const int32_t extent = d < 1 ? 1 : static_cast<int32_t>(d);  // empty tensors never reach a kernel
    shape[i] = halide_dimension_t(0, extent, stride);
    stride *= extent;
  }
  return Halide::Runtime::Buffer<T>(const_cast<T*>(static_cast<const T*>(t.raw())), static_cast<int>(dims.size()), shape);
}
template <class T>
Halide::Runtime::Buffer<T> view(const Tensor& t, std::initializer_list<int64_t> dims) {
  return view<T>(t, std::span<const int64_t>(dims.begin(), dims.size()));
}

// A 2-D op's input as {N, C, H, W}: rank 3 [C, H, W] gets N = 1; 1-D ops' [N, C, L] / [C, L]
// become 1-row planes {N, C, 1, L}.
std::array<int64_t, 4> as_nchw(const Shape& s, bool one_dimensional);

// Sets Halide's thread pool size for the next kernel calls (0 = all cores).
void set_threads(int threads);
// The thread count |threads| stands for (0 = all cores).
int resolved_threads(int threads);
// Checks a generated function's return code; on failure throws Error{runtime} with the text
// Halide's error handler captured for this thread.
void check(int result, std::string_view variant_id);

}  // namespace poolkit::halide
