// NumPy .npy reading and writing (format 1.0/2.0/3.0; see numpy/lib/format.py for the layout):
//   "\x93NUMPY" major minor | header length (u16 LE for 1.0, u32 LE for 2.0/3.0) | header | data
// The header is a Python dict literal with exactly the keys 'descr', 'fortran_order' and 'shape'.
// We parse that literal strictly ourselves instead of evaluating anything: a file that is not
// what NumPy writes is rejected with a one-line Error{bad_input} "<file>: <problem>".
#include "poolkit/npy.h"

#include "io/npy_prefix.h"

#include <array>
#include <atomic>
#include <bit>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>
#include <memory>
#include <optional>
#include <random>
#include <string_view>
#include <vector>
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

    if (shape->size() > 64) fail("shape has " + std::to_string(shape->size()) + " dimensions (at most 64, as NumPy)");
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

namespace {

// Where the bytes of a .npy come from: a string in memory, or a file read piece by piece. A file
// is never slurped whole: its header says how many bytes the data must have, so a device such as
// /dev/zero, a FIFO or a file far larger than its header claims is read only as far as needed.
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Reads up to |n| bytes into |dst|; fewer only at the end of the input.
  virtual size_t read(char* dst, size_t n) = 0;
  // Bytes left to read, when known up front (a string, a regular file).
  virtual std::optional<uint64_t> remaining() const = 0;
};

class MemorySource final : public ByteSource {
 public:
  explicit MemorySource(std::string_view bytes) : bytes_(bytes) {}
  size_t read(char* dst, size_t n) override {
    const size_t k = std::min(n, bytes_.size() - pos_);
    if (k > 0) std::memcpy(dst, bytes_.data() + pos_, k);
    pos_ += k;
    return k;
  }
  std::optional<uint64_t> remaining() const override { return bytes_.size() - pos_; }

 private:
  std::string_view bytes_;
  size_t pos_ = 0;
};

class FileSource final : public ByteSource {
 public:
  FileSource(std::FILE* f, std::optional<uint64_t> size, const std::string& what) : f_(f), left_(size), what_(what) {}
  size_t read(char* dst, size_t n) override {
    size_t got = 0;
    while (got < n) {
      const size_t k = std::fread(dst + got, 1, n - got, f_);
      if (k == 0) {
        if (std::ferror(f_)) fail_bad_input(what_ + ": read error: " + errno_text());
        break;
      }
      got += k;
    }
    if (left_) *left_ -= std::min<uint64_t>(*left_, got);
    return got;
  }
  std::optional<uint64_t> remaining() const override { return left_; }

 private:
  std::FILE* f_;
  std::optional<uint64_t> left_;
  const std::string& what_;
};

// NumPy itself refuses headers above 10 000 bytes by default; 1 MiB leaves room for any shape a
// tensor can have while keeping a hostile length field from costing memory.
constexpr size_t kMaxHeaderBytes = size_t{1} << 20;

Tensor read_npy(ByteSource& src, const std::string& what) {
  char prefix[kMagicSize + 2 + 4];
  const size_t got_prefix = src.read(prefix, kMagicSize + 2);
  if (got_prefix < kMagicSize + 2 || std::memcmp(prefix, kMagic, kMagicSize) != 0) {
    fail_bad_input(what + ": not a .npy file (bad magic)");
  }
  const int major = static_cast<unsigned char>(prefix[6]);
  const int minor = static_cast<unsigned char>(prefix[7]);
  if ((major != 1 && major != 2 && major != 3) || minor != 0) {
    fail_bad_input(what + ": .npy format version " + std::to_string(major) + "." + std::to_string(minor) +
                   " is not supported (expected 1.0, 2.0 or 3.0)");
  }
  const size_t len_width = major == 1 ? 2 : 4;
  if (src.read(prefix + kMagicSize + 2, len_width) < len_width) fail_bad_input(what + ": truncated header");
  const std::string len_bytes(prefix, kMagicSize + 2 + len_width);
  const size_t header_len = read_le(len_bytes, kMagicSize + 2, len_width);
  std::string header(std::min(header_len, kMaxHeaderBytes), '\0');
  const size_t got_header = src.read(header.data(), header.size());
  if (got_header < header.size()) {
    fail_bad_input(what + ": truncated header (" + std::to_string(header_len) + " bytes declared, " +
                   std::to_string(got_header) + " present)");
  }
  if (header_len > kMaxHeaderBytes) {
    fail_bad_input(what + ": header of " + std::to_string(header_len) + " bytes is too large (at most " +
                   std::to_string(kMaxHeaderBytes) + ")");
  }
  Header h = HeaderParser(header, what).parse();

  int64_t numel = 0;
  try {
    numel = h.shape.numel();
  } catch (const Error& e) {
    fail_bad_input(what + ": " + e.what());
  }
  const size_t item = h.dtype == FileDType::f4 ? 4 : 8;
  // 64-bit even where size_t is 32 (wasm32): numel() bounds this by INT64_MAX.
  const uint64_t want = static_cast<uint64_t>(numel) * item;
  auto truncated = [&](uint64_t have) {
    fail_bad_input(what + ": truncated data (shape " + h.shape.str() + " needs " + std::to_string(want) +
                   " bytes, " + std::to_string(have) + " present)");
  };
  auto trailing = [&](const std::string& count) {
    fail_bad_input(what + ": " + count + " unexpected bytes after the data of shape " + h.shape.str());
  };
  // Check the size before allocating: a header declaring a huge shape over a few bytes of data is
  // a truncated file (bad input), not an out-of-memory condition.
  const std::optional<uint64_t> have = src.remaining();
  if (have && *have < want) truncated(*have);
  if (have && *have > want) trailing(std::to_string(*have - want));

  const DType dtype = h.dtype == FileDType::i8 ? DType::i64 : DType::f32;
  Tensor t = Tensor::zeros(h.shape, dtype);
  char one_more;
  if (h.dtype != FileDType::f8) {
    const size_t got = want > 0 ? src.read(static_cast<char*>(t.raw()), t.nbytes()) : 0;
    if (got < want) truncated(got);
  } else {
    // Converted in pieces, so a <f8 file costs no more memory than its float32 result.
    constexpr size_t kChunk = 8192;
    std::vector<double> buffer(kChunk);
    auto out = t.data<float>();
    for (size_t i = 0; i < out.size(); i += kChunk) {
      const size_t n = std::min(kChunk, out.size() - i);
      const size_t got = src.read(reinterpret_cast<char*>(buffer.data()), n * 8);
      if (got < n * 8) truncated(i * 8 + got);
      for (size_t k = 0; k < n; ++k) out[i + k] = static_cast<float>(buffer[k]);  // NumPy's astype: nearest
    }
  }
  if (src.read(&one_more, 1) > 0) trailing("some");
  return t;
}

}  // namespace

Tensor parse_npy(const std::string& bytes, const std::string& what) {
  MemorySource src(bytes);
  return read_npy(src, what);
}

Tensor load_npy(const std::filesystem::path& file) {
  const std::string what = file.string();
  std::error_code ec;
  if (std::filesystem::is_directory(file, ec)) fail_bad_input(what + ": is a directory, not a .npy file");
  std::FILE* f = std::fopen(file.c_str(), "rb");
  if (!f) fail_bad_input(what + ": cannot open: " + errno_text());
  const std::unique_ptr<std::FILE, int (*)(std::FILE*)> closer(f, &std::fclose);
  // A regular file's size is known up front; a device or pipe is read only as far as needed.
  std::optional<uint64_t> size;
  if (std::filesystem::is_regular_file(file, ec)) {
    const auto n = std::filesystem::file_size(file, ec);
    if (!ec) size = n;
  }
  FileSource src(f, size, what);
  return read_npy(src, what);
}

namespace detail {

std::string npy_prefix(const Tensor& tensor) {
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
  return out;
}

}  // namespace detail

std::string serialize_npy(const Tensor& tensor) {
  std::string out = detail::npy_prefix(tensor);
  out.append(static_cast<const char*>(tensor.raw()), tensor.nbytes());
  return out;
}

void save_npy(const std::filesystem::path& file, const Tensor& tensor) {
  // Header and data are written straight from the tensor: no second copy of a large tensor.
  const std::string prefix = detail::npy_prefix(tensor);
  const std::filesystem::path temp = temp_sibling(file);
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    if (!out) fail_bad_input(file.string() + ": cannot create: " + errno_text());
    out.write(prefix.data(), static_cast<std::streamsize>(prefix.size()));
    out.write(static_cast<const char*>(tensor.raw()), static_cast<std::streamsize>(tensor.nbytes()));
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
