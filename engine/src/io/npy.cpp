// NumPy .npy reading and writing (format 1.0/2.0/3.0; see numpy/lib/format.py for the layout):
//   "\x93NUMPY" major minor | header length (u16 LE for 1.0, u32 LE for 2.0/3.0) | header | data
// The header is a Python dict literal with exactly the keys 'descr', 'fortran_order' and 'shape'.
// We parse that literal strictly ourselves instead of evaluating anything: a file that is not
// what NumPy writes is rejected with a one-line Error{bad_input} "<file>: <problem>".
#include "poolkit/npy.h"

#include <array>
#include <atomic>
#include <bit>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>
#include <optional>
#include <random>
#include <system_error>

namespace poolkit {

// Tensor memory is host-endian and .npy data little-endian; every target (x86-64, wasm32) is
// little-endian, so the data is copied as is. A big-endian port would need byte swaps here.
static_assert(std::endian::native == std::endian::little, "npy I/O assumes a little-endian host");

namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicSize = 6;

enum class FileDType { f4, f8, i8 };

struct Header {
  FileDType dtype = FileDType::f4;
  Shape shape;
};

// A strict recursive-descent reader of the header literal. Accepts what NumPy writes (single
// quotes, "False", tuples with a trailing comma, a trailing comma after the last item, padding
// spaces and the final newline) and double-quoted strings; nothing else.
class HeaderParser {
 public:
  HeaderParser(std::string_view text, const std::string& what) : s_(text), what_(what) {}

  Header parse() {
    std::optional<std::string> descr;
    std::optional<bool> fortran;
    std::optional<std::vector<int64_t>> shape;
    expect('{');
    skip_space();
    while (peek() != '}') {
      const std::string key = string_literal();
      expect(':');
      if (key == "descr") {
        if (descr) fail("key 'descr' appears twice");
        descr = string_literal();
      } else if (key == "fortran_order") {
        if (fortran) fail("key 'fortran_order' appears twice");
        fortran = boolean();
      } else if (key == "shape") {
        if (shape) fail("key 'shape' appears twice");
        shape = tuple();
      } else {
        fail("unexpected header key '" + key + "' (expected 'descr', 'fortran_order', 'shape')");
      }
      skip_space();
      if (peek() == ',') {
        ++pos_;
        skip_space();
      } else if (peek() != '}') {
        fail("expected ',' or '}' in the header");
      }
    }
    ++pos_;  // '}'
    skip_space();
    if (pos_ != s_.size()) fail("unexpected text after the header dictionary");
    if (!descr) fail("header has no 'descr'");
    if (!fortran) fail("header has no 'fortran_order'");
    if (!shape) fail("header has no 'shape'");

    Header h;
    h.dtype = dtype_from_descr(*descr);
    if (*fortran) fail("fortran_order True is not supported (save a C-contiguous array)");
    h.shape = Shape(std::move(*shape));
    return h;
  }

 private:
  // Only explicit little-endian descriptors: NumPy always writes '<' or '>' for multi-byte types,
  // and '=' or a bare "f4" would mean "the reader's byte order", which a file must not depend on.
  FileDType dtype_from_descr(const std::string& d) const {
    if (d == "<f4") return FileDType::f4;
    if (d == "<f8") return FileDType::f8;
    if (d == "<i8") return FileDType::i8;
    fail("dtype '" + d + "' is not supported (expected <f4, <f8 or <i8)");
  }

  [[noreturn]] void fail(const std::string& problem) const { fail_bad_input(what_ + ": " + problem); }

  char peek() const {
    if (pos_ >= s_.size()) fail("header ends early");
    return s_[pos_];
  }
  void skip_space() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\n' || s_[pos_] == '\t')) ++pos_;
  }
  void expect(char c) {
    skip_space();
    if (peek() != c) fail(std::string("malformed header: expected '") + c + "'");
    ++pos_;
  }
  std::string string_literal() {
    skip_space();
    const char quote = peek();
    if (quote != '\'' && quote != '"') fail("malformed header: expected a quoted string");
    const size_t end = s_.find(quote, pos_ + 1);
    if (end == std::string_view::npos) fail("malformed header: unterminated string");
    std::string out(s_.substr(pos_ + 1, end - pos_ - 1));
    pos_ = end + 1;
    return out;
  }
  bool boolean() {
    skip_space();
    if (s_.substr(pos_, 4) == "True") {
      pos_ += 4;
      return true;
    }
    if (s_.substr(pos_, 5) == "False") {
      pos_ += 5;
      return false;
    }
    fail("malformed header: 'fortran_order' must be True or False");
  }
  int64_t integer() {
    skip_space();
    if (peek() < '0' || peek() > '9') fail("malformed header: shape entries must be non-negative integers");
    int64_t v = 0;
    while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') {
      const int digit = s_[pos_++] - '0';
      if (v > (std::numeric_limits<int64_t>::max() - digit) / 10) fail("shape entry does not fit in 64 bits");
      v = v * 10 + digit;
    }
    // NumPy 1.x on Windows wrote "3L"; accept the long suffix as harmless.
    if (pos_ < s_.size() && s_[pos_] == 'L') ++pos_;
    return v;
  }
  std::vector<int64_t> tuple() {
    expect('(');
    std::vector<int64_t> dims;
    skip_space();
    while (peek() != ')') {
      dims.push_back(integer());
      skip_space();
      if (peek() == ',') {
        ++pos_;
        skip_space();
      } else if (peek() != ')') {
        fail("malformed header: expected ',' or ')' in 'shape'");
      }
    }
    ++pos_;
    return dims;
  }

  std::string_view s_;
  const std::string& what_;
  size_t pos_ = 0;
};

uint32_t read_le(const std::string& bytes, size_t offset, size_t width) {
  uint32_t v = 0;
  for (size_t i = 0; i < width; ++i) v |= uint32_t(static_cast<unsigned char>(bytes[offset + i])) << (8 * i);
  return v;
}

std::string header_text(const Tensor& tensor) {
  std::string shape = "(";
  for (int i = 0; i < tensor.shape().rank(); ++i) shape += std::to_string(tensor.shape()[i]) + ", ";
  if (tensor.shape().rank() == 1) shape.pop_back();              // "(3,)"
  else if (tensor.shape().rank() > 1) shape.resize(shape.size() - 2);  // "(2, 3)"
  shape += ")";
  const char* descr = tensor.dtype() == DType::f32 ? "<f4" : "<i8";
  return std::string("{'descr': '") + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
}

std::string errno_text() { return std::strerror(errno); }

// A name for the temporary sibling of |file| that no other writer picks (process id is not
// portable to wasm, so a random draw plus a counter).
std::filesystem::path temp_sibling(const std::filesystem::path& file) {
  static std::atomic<unsigned> counter{0};
  thread_local std::mt19937_64 rng{std::random_device{}()};
  // Appended piecewise: GCC 12 warns falsely (-Wrestrict) about "." + std::string.
  std::string name = ".";
  name += file.filename().string();
  name += ".tmp-" + std::to_string(rng() % 1000000000ull) + "-" + std::to_string(counter++);
  return file.parent_path() / name;
}

}  // namespace

Tensor parse_npy(const std::string& bytes, const std::string& what) {
  if (bytes.size() < kMagicSize + 2 || std::memcmp(bytes.data(), kMagic, kMagicSize) != 0) {
    fail_bad_input(what + ": not a .npy file (bad magic)");
  }
  const int major = static_cast<unsigned char>(bytes[6]);
  const int minor = static_cast<unsigned char>(bytes[7]);
  if ((major != 1 && major != 2 && major != 3) || minor != 0) {
    fail_bad_input(what + ": .npy format version " + std::to_string(major) + "." + std::to_string(minor) +
                   " is not supported (expected 1.0, 2.0 or 3.0)");
  }
  const size_t len_width = major == 1 ? 2 : 4;
  const size_t header_start = kMagicSize + 2 + len_width;
  if (bytes.size() < header_start) fail_bad_input(what + ": truncated header");
  const size_t header_len = read_le(bytes, kMagicSize + 2, len_width);
  if (bytes.size() - header_start < header_len) {
    fail_bad_input(what + ": truncated header (" + std::to_string(header_len) + " bytes declared, " +
                   std::to_string(bytes.size() - header_start) + " present)");
  }
  const std::string_view header_view(bytes.data() + header_start, header_len);
  Header h = HeaderParser(header_view, what).parse();

  int64_t numel = 0;
  try {
    numel = h.shape.numel();
  } catch (const Error& e) {
    fail_bad_input(what + ": " + e.what());
  }
  const size_t item = h.dtype == FileDType::f4 ? 4 : 8;
  const size_t data_start = header_start + header_len;
  const size_t want = static_cast<size_t>(numel) * item;  // numel() bounds this by INT64_MAX
  const size_t have = bytes.size() - data_start;
  if (have < want) {
    fail_bad_input(what + ": truncated data (shape " + h.shape.str() + " needs " + std::to_string(want) +
                   " bytes, " + std::to_string(have) + " present)");
  }
  if (have > want) {
    fail_bad_input(what + ": " + std::to_string(have - want) + " unexpected bytes after the data of shape " +
                   h.shape.str());
  }

  const char* src = bytes.data() + data_start;
  if (h.dtype == FileDType::f8) {
    Tensor t = Tensor::zeros(h.shape, DType::f32);
    auto out = t.data<float>();
    for (size_t i = 0; i < out.size(); ++i) {
      double d;
      std::memcpy(&d, src + i * 8, 8);
      out[i] = static_cast<float>(d);  // NumPy's astype(float32): round to nearest
    }
    return t;
  }
  Tensor t = Tensor::zeros(h.shape, h.dtype == FileDType::f4 ? DType::f32 : DType::i64);
  if (want > 0) std::memcpy(t.raw(), src, want);
  return t;
}

Tensor load_npy(const std::filesystem::path& file) {
  const std::string what = file.string();
  std::error_code ec;
  if (std::filesystem::is_directory(file, ec)) fail_bad_input(what + ": is a directory, not a .npy file");
  std::ifstream in(file, std::ios::binary);
  if (!in) fail_bad_input(what + ": cannot open: " + errno_text());
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) fail_bad_input(what + ": read error: " + errno_text());
  return parse_npy(bytes, what);
}

std::string serialize_npy(const Tensor& tensor) {
  std::string header = header_text(tensor);
  // Pad with spaces and end with '\n' so the data starts at a multiple of 64 bytes (NumPy's
  // alignment); version 2.0 only when the padded header does not fit a 16-bit length.
  auto padded_size = [&](size_t prefix) { return (prefix + header.size() + 1 + 63) / 64 * 64 - prefix; };
  const bool v1 = padded_size(kMagicSize + 4) <= 65535;
  const size_t padded = padded_size(kMagicSize + (v1 ? 4 : 6));
  header.append(padded - header.size() - 1, ' ');
  header += '\n';

  std::string out(kMagic, kMagicSize);
  out += static_cast<char>(v1 ? 1 : 2);
  out += '\0';
  const size_t len = header.size();
  for (size_t i = 0; i < (v1 ? 2u : 4u); ++i) out += static_cast<char>((len >> (8 * i)) & 0xff);
  out += header;
  out.append(static_cast<const char*>(tensor.raw()), tensor.nbytes());
  return out;
}

void save_npy(const std::filesystem::path& file, const Tensor& tensor) {
  const std::string bytes = serialize_npy(tensor);
  const std::filesystem::path temp = temp_sibling(file);
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    if (!out) fail_bad_input(file.string() + ": cannot create: " + errno_text());
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.close();
    if (!out) {
      const std::string why = errno_text();
      std::error_code ignored;
      std::filesystem::remove(temp, ignored);
      fail_runtime(file.string() + ": write failed: " + why);
    }
  }
  std::error_code ec;
  std::filesystem::rename(temp, file, ec);
  if (ec) {
    std::error_code ignored;
    std::filesystem::remove(temp, ignored);
    fail_bad_input(file.string() + ": cannot replace: " + ec.message());
  }
}

}  // namespace poolkit
