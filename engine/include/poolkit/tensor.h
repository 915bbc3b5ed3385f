// poolkit/tensor.h — dense row-major tensors (NCHW; N, C, L for 1-D ops) with 64-bit shapes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <iosfwd>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "poolkit/errors.h"

namespace poolkit {

enum class DType : uint8_t { f32, i64 };

std::string_view dtype_name(DType dtype);  // "float32" | "int64" (the graph JSON spelling)
size_t dtype_size(DType dtype);

// A tensor shape. Dimensions are int64; a Shape may hold any values, but numel() and
// Tensor construction reject negative dimensions and products that overflow 64 bits.
class Shape {
 public:
  Shape() = default;
  Shape(std::initializer_list<int64_t> dims) : dims_(dims) {}
  explicit Shape(std::vector<int64_t> dims) : dims_(std::move(dims)) {}

  int rank() const { return static_cast<int>(dims_.size()); }
  int64_t operator[](int axis) const { return dims_.at(static_cast<size_t>(axis)); }
  int64_t& operator[](int axis) { return dims_.at(static_cast<size_t>(axis)); }
  int64_t back() const { return dims_.back(); }
  const std::vector<int64_t>& dims() const { return dims_; }

  // Product of the dimensions; throws Error{bad_input} for a negative dimension or when the
  // product (or its size in bytes, at 8 bytes an element) does not fit in int64.
  int64_t numel() const;
  std::string str() const;  // "[1, 64, 112, 112]": used in every error message

  bool operator==(const Shape&) const = default;

 private:
  std::vector<int64_t> dims_;
};

std::ostream& operator<<(std::ostream& os, const Shape& shape);  // writes shape.str()

// A dense tensor: shape, dtype and a shared buffer. Copies share the buffer (cheap handles);
// clone() makes a deep copy.
class Tensor {
 public:
  Tensor() = default;
  static Tensor zeros(Shape shape, DType dtype = DType::f32);
  // Contents undefined: for outputs a kernel overwrites entirely (saves a write pass).
  static Tensor uninitialized(Shape shape, DType dtype = DType::f32);
  // Wraps memory the caller owns (npy mapping, embind views); the caller keeps it alive.
  static Tensor borrow(void* data, Shape shape, DType dtype);
  static Tensor from_vector(Shape shape, const std::vector<float>& values);
  static Tensor from_vector(Shape shape, const std::vector<int64_t>& values);

  const Shape& shape() const { return shape_; }
  DType dtype() const { return dtype_; }
  int64_t numel() const { return numel_; }
  size_t nbytes() const { return static_cast<size_t>(numel_) * dtype_size(dtype_); }
  bool empty_handle() const { return data_ == nullptr && numel_ == 0 && shape_.rank() == 0; }

  // Typed views; throw Error{bad_input} when T does not match dtype().
  template <class T>
  std::span<T> data();
  template <class T>
  std::span<const T> data() const;
  void* raw() { return data_; }
  const void* raw() const { return data_; }

  Tensor clone() const;
  // True when this handle owns its buffer and no other handle shares it: a backend may then
  // recycle the buffer for its next run.
  bool sole_owner() const { return owned_ && owned_.use_count() == 1; }

 private:
  Shape shape_;
  DType dtype_ = DType::f32;
  int64_t numel_ = 0;
  std::shared_ptr<std::byte[]> owned_;
  std::byte* data_ = nullptr;

  static Tensor allocate(Shape shape, DType dtype, bool zero);
};

template <class T>
constexpr DType dtype_of();
template <>
constexpr DType dtype_of<float>() { return DType::f32; }
template <>
constexpr DType dtype_of<int64_t>() { return DType::i64; }

void check_dtype(DType have, DType want);  // throws Error{bad_input}

template <class T>
std::span<T> Tensor::data() {
  check_dtype(dtype_, dtype_of<std::remove_const_t<T>>());
  return {reinterpret_cast<T*>(data_), static_cast<size_t>(numel_)};
}
template <class T>
std::span<const T> Tensor::data() const {
  check_dtype(dtype_, dtype_of<std::remove_const_t<T>>());
  return {reinterpret_cast<const T*>(data_), static_cast<size_t>(numel_)};
}

}  // namespace poolkit
