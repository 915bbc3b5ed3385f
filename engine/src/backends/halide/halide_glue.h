// The boundary between poolkit tensors and Halide's runtime: buffers, threads, errors.
#pragma once

#include <HalideBuffer.h>

#include <string>
#include <vector>

#include "poolkit/tensor.h"

namespace poolkit::halide {

// NCHW row-major maps to Halide dims reversed: a tensor viewed as |dims| (outermost first, e.g.
// {N, C, H, W}) becomes a Halide buffer with dim 0 = W, dim 1 = H, ... Dense, no copy. Halide
// extents and strides are int32: supports() keeps tensors of 2^31 or more elements away.
template <class T>
Halide::Runtime::Buffer<T> view(const Tensor& t, const std::vector<int64_t>& dims) {
  std::vector<int> sizes(dims.rbegin(), dims.rend());
  for (int& s : sizes) s = s < 1 ? 1 : s;  // empty tensors never reach a kernel
  return Halide::Runtime::Buffer<T>(const_cast<T*>(static_cast<const T*>(t.raw())), sizes);
}

// A 2-D op's input as {N, C, H, W}: rank 3 [C, H, W] gets N = 1; 1-D ops' [N, C, L] / [C, L]
// become 1-row planes {N, C, 1, L}.
std::vector<int64_t> as_nchw(const Shape& s, bool one_dimensional);

// Sets Halide's thread pool size for the next kernel calls (0 = all cores).
void set_threads(int threads);
// The thread count |threads| stands for (0 = all cores).
int resolved_threads(int threads);
// Checks a generated function's return code; on failure throws Error{runtime} with the text
// Halide's error handler captured for this thread.
void check(int result, std::string_view variant_id);

}  // namespace poolkit::halide
