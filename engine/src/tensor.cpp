#include "poolkit/tensor.h"

#include <cstring>
#include <fstream>
#include <limits>
#include <new>
#include <optional>
#include <ostream>
#include <string>

namespace poolkit {

namespace {

// Memory the kernel says can still be had without swapping ("MemAvailable" in /proc/meminfo), or
// nothing where that is unknown (wasm, other systems).
std::optional<uint64_t> available_memory_bytes() {
  std::ifstream meminfo("/proc/meminfo");
  std::string key;
  uint64_t kib = 0;
  std::string unit;
  while (meminfo >> key >> kib >> unit) {
    if (key == "MemAvailable:") return kib * 1024;
  }
  return std::nullopt;
}

// Linux overcommits: new[] of more memory than the machine has left can succeed, and zero-filling
// it then gets the process OOM-killed (or takes other processes with it) instead of failing with
// an error. So a large allocation is first checked against the memory actually available, and
// refused as Error{runtime} ("out of memory") when it cannot fit.
void check_allocatable(size_t bytes, const Shape& shape, DType dtype) {
  constexpr size_t kCheckFrom = size_t{64} << 20;  // small tensors: not worth a /proc read
  if (bytes < kCheckFrom) return;
  const auto available = available_memory_bytes();
  if (available && bytes > *available) {
    fail_runtime("out of memory: a " + std::string(dtype_name(dtype)) + " tensor of shape " + shape.str() + " needs " +
                 std::to_string(bytes) + " bytes, only " + std::to_string(*available) + " are available");
  }
}

}  // namespace

std::string_view dtype_name(DType dtype) { return dtype == DType::f32 ? "float32" : "int64"; }
size_t dtype_size(DType dtype) { return dtype == DType::f32 ? 4 : 8; }

void check_dtype(DType have, DType want) {
  if (have != want) {
    fail_bad_input("tensor has dtype " + std::string(dtype_name(have)) + ", expected " +
                   std::string(dtype_name(want)));
  }
}

int64_t Shape::numel() const {
  // Bound by bytes at the widest dtype so that numel * element size never overflows either.
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max() / 8;
  int64_t n = 1;
  for (int64_t d : dims_) {
    if (d < 0) fail_bad_input("shape " + str() + ": dimensions must be >= 0");
    if (d != 0 && n > kMax / d) fail_bad_input("shape " + str() + ": element count overflows 64 bits");
    n *= d;
  }
  return n;
}

std::string Shape::str() const {
  std::string s = "[";
  for (size_t i = 0; i < dims_.size(); ++i) {
    if (i) s += ", ";
    s += std::to_string(dims_[i]);
  }
  return s + "]";
}

std::ostream& operator<<(std::ostream& os, const Shape& shape) { return os << shape.str(); }

Tensor Tensor::zeros(Shape shape, DType dtype) { return allocate(std::move(shape), dtype, true); }
Tensor Tensor::uninitialized(Shape shape, DType dtype) { return allocate(std::move(shape), dtype, false); }

Tensor Tensor::allocate(Shape shape, DType dtype, bool zero) {
  Tensor t;
  t.numel_ = shape.numel();
  t.shape_ = std::move(shape);
  t.dtype_ = dtype;
  // Where size_t is 32 bits (wasm32), nbytes() would wrap: refuse what the address space cannot hold.
  const uint64_t bytes64 = static_cast<uint64_t>(t.numel_) * dtype_size(dtype);  // numel() bounds it
  if (bytes64 > std::numeric_limits<size_t>::max()) {
    fail_runtime("out of memory: a " + std::string(dtype_name(dtype)) + " tensor of shape " + t.shape_.str() +
                 " needs " + std::to_string(bytes64) + " bytes, more than this platform's address space");
  }
  const size_t bytes = t.nbytes();
  check_allocatable(bytes, t.shape_, dtype);
  try {
    const size_t n = bytes > 0 ? bytes : 1;
    // 64-byte aligned (a cache line, an AVX-512 vector): plain new[] of a large block returns
    // mmap'ed memory 16 bytes past a page, so every 64-byte vector load of a kernel spanned two
    // cache lines. P1, same kernel, 1 thread: 0.230 -> 0.174 ms (x86-64, 2026-11-22; RESULTS.md,
    // P1/P3 kernel (session 3)).
    constexpr std::align_val_t align{64};
    std::byte* p = zero ? new (align) std::byte[n]() : new (align) std::byte[n];
    t.owned_ = std::shared_ptr<std::byte[]>(p, [](std::byte* q) { ::operator delete[](q, std::align_val_t{64}); });
  } catch (const std::bad_alloc&) {
    fail_runtime("out of memory allocating a " + std::string(dtype_name(dtype)) + " tensor of shape " +
                 t.shape_.str() + " (" + std::to_string(bytes) + " bytes)");
  }
  t.data_ = t.owned_.get();
  return t;
}

Tensor Tensor::borrow(void* data, Shape shape, DType dtype) {
  Tensor t;
  t.numel_ = shape.numel();
  t.shape_ = std::move(shape);
  t.dtype_ = dtype;
  t.data_ = static_cast<std::byte*>(data);
  return t;
}

Tensor Tensor::from_vector(Shape shape, const std::vector<float>& values) {
  Tensor t = zeros(std::move(shape), DType::f32);
  if (static_cast<int64_t>(values.size()) != t.numel()) {
    fail_bad_input("from_vector: " + std::to_string(values.size()) + " values for shape " + t.shape().str());
  }
  if (t.nbytes() > 0) std::memcpy(t.raw(), values.data(), t.nbytes());  // data() may be null when empty
  return t;
}

Tensor Tensor::from_vector(Shape shape, const std::vector<int64_t>& values) {
  Tensor t = zeros(std::move(shape), DType::i64);
  if (static_cast<int64_t>(values.size()) != t.numel()) {
    fail_bad_input("from_vector: " + std::to_string(values.size()) + " values for shape " + t.shape().str());
  }
  if (t.nbytes() > 0) std::memcpy(t.raw(), values.data(), t.nbytes());  // data() may be null when empty
  return t;
}

Tensor Tensor::clone() const {
  Tensor t = zeros(shape_, dtype_);
  if (nbytes() > 0) std::memcpy(t.raw(), data_, nbytes());
  return t;
}

}  // namespace poolkit
