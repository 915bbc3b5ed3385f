// .npy reading and writing: round trips, f8 -> f4 conversion, and one case per class of bad file
// (each must be Error{bad_input} naming the file).
#include <catch2/catch.hpp>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>

#include "poolkit/npy.h"

namespace fs = std::filesystem;
using poolkit::DType;
using poolkit::Shape;
using poolkit::Tensor;
using Catch::Matchers::Contains;

namespace {

// A fresh directory under the system temp dir, removed with its contents at scope exit.
struct TempDir {
  fs::path path;
  TempDir() {
    std::random_device rd;
    path = fs::temp_directory_path() / ("poolkit-test-npy-" + std::to_string(rd()) + std::to_string(rd()));
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
};

// A .npy file image built by hand, as NumPy lays it out: magic, version, header length, header
// (padded with spaces to 64 bytes, '\n'-terminated), data.
std::string npy_bytes(const std::string& header_dict, const std::string& data, int major = 1) {
  const size_t prefix = 8 + (major == 1 ? 2 : 4);
  std::string header = header_dict;
  while ((prefix + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  std::string out = "\x93NUMPY";
  out += static_cast<char>(major);
  out += '\0';
  for (size_t i = 0; i < prefix - 8; ++i) out += static_cast<char>((header.size() >> (8 * i)) & 0xff);
  return out + header + data;
}

std::string header(const std::string& descr, const std::string& shape, const std::string& fortran = "False") {
  return "{'descr': '" + descr + "', 'fortran_order': " + fortran + ", 'shape': " + shape + ", }";
}

template <class T>
std::string raw(const std::vector<T>& values) {
  return std::string(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(T));
}

void write_file(const fs::path& p, const std::string& bytes) {
  std::ofstream(p, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// |bytes| written as "<name>" must fail to load with Error{bad_input} naming the file and |problem|.
void require_rejected(const std::string& bytes, const std::string& problem) {
  TempDir dir;
  const fs::path file = dir.path / "bad_file.npy";
  write_file(file, bytes);
  try {
    poolkit::load_npy(file);
    FAIL("loaded a bad file; expected: " << problem);
  } catch (const poolkit::Error& e) {
    CHECK(e.kind() == poolkit::ErrorKind::bad_input);
    CHECK_THAT(e.what(), Contains(file.string()) && Contains(problem));
    CHECK(std::string(e.what()).find('\n') == std::string::npos);
  }
}

}  // namespace

TEST_CASE("npy: float32 and int64 tensors round-trip through save_npy/load_npy", "[npy]") {
  TempDir dir;
  const auto shape = GENERATE(Shape{2, 3}, Shape{5}, Shape{}, Shape{0, 3}, Shape{1, 2, 3, 4});
  const int64_t n = shape.numel();
  std::vector<float> f(static_cast<size_t>(n));
  std::vector<int64_t> i(static_cast<size_t>(n));
  for (int64_t k = 0; k < n; ++k) {
    f[static_cast<size_t>(k)] = 0.25f * static_cast<float>(k) - 1.0f;
    i[static_cast<size_t>(k)] = (int64_t{1} << 40) + k;
  }
  poolkit::save_npy(dir.path / "f.npy", Tensor::from_vector(shape, f));
  poolkit::save_npy(dir.path / "i.npy", Tensor::from_vector(shape, i));

  const Tensor tf = poolkit::load_npy(dir.path / "f.npy");
  CHECK(tf.dtype() == DType::f32);
  CHECK(tf.shape() == shape);
  CHECK(std::vector<float>(tf.data<float>().begin(), tf.data<float>().end()) == f);
  const Tensor ti = poolkit::load_npy(dir.path / "i.npy");
  CHECK(ti.dtype() == DType::i64);
  CHECK(ti.shape() == shape);
  CHECK(std::vector<int64_t>(ti.data<int64_t>().begin(), ti.data<int64_t>().end()) == i);

  // Only the two files: save_npy's temporaries are gone.
  CHECK(std::distance(fs::directory_iterator(dir.path), fs::directory_iterator{}) == 2);
}

TEST_CASE("npy: serialize_npy writes NumPy's layout (v1.0, 64-byte aligned, C order)", "[npy]") {
  const std::string bytes = poolkit::serialize_npy(Tensor::from_vector(Shape{2, 3}, std::vector<float>(6, 1.0f)));
  CHECK(bytes.substr(0, 8) == std::string("\x93NUMPY\x01\x00", 8));
  const size_t header_len = static_cast<unsigned char>(bytes[8]) | (static_cast<unsigned char>(bytes[9]) << 8);
  CHECK((10 + header_len) % 64 == 0);
  CHECK_THAT(bytes.substr(10, header_len), Contains("'descr': '<f4'") && Contains("'fortran_order': False") &&
                                               Contains("'shape': (2, 3)"));
  CHECK(bytes.size() == 10 + header_len + 6 * 4);
  // 1-d shapes are Python 1-tuples.
  CHECK_THAT(poolkit::serialize_npy(Tensor::from_vector(Shape{3}, std::vector<int64_t>{1, 2, 3})),
             Contains("'shape': (3,)") && Contains("'<i8'"));
}

TEST_CASE("npy: <f8 files are read and converted to float32", "[npy]") {
  const std::vector<double> d = {0.5, -2.25, 1e-3, 3.0e38};
  const Tensor t = poolkit::parse_npy(npy_bytes(header("<f8", "(2, 2)"), raw(d)), "d.npy");
  REQUIRE(t.dtype() == DType::f32);
  CHECK(t.shape() == Shape{2, 2});
  for (size_t k = 0; k < d.size(); ++k) CHECK(t.data<float>()[k] == static_cast<float>(d[k]));
}

TEST_CASE("npy: format versions 2.0 and 3.0, 0-d arrays, and header spelling variants are read", "[npy]") {
  const std::vector<float> v = {1, 2, 3};
  CHECK(poolkit::parse_npy(npy_bytes(header("<f4", "(3,)"), raw(v), 2), "v2.npy").shape() == Shape{3});
  CHECK(poolkit::parse_npy(npy_bytes(header("<f4", "(3,)"), raw(v), 3), "v3.npy").shape() == Shape{3});
  const Tensor scalar = poolkit::parse_npy(npy_bytes(header("<f4", "()"), raw(std::vector<float>{7})), "s.npy");
  CHECK(scalar.shape() == Shape{});
  CHECK(scalar.data<float>()[0] == 7.0f);
  // Keys in any order, double quotes, no trailing comma.
  const std::string dict = R"({"shape": (1, 3), "fortran_order": False, "descr": "<f4"})";
  CHECK(poolkit::parse_npy(npy_bytes(dict, raw(v)), "q.npy").shape() == Shape{1, 3});
}

TEST_CASE("npy: every class of bad file is rejected with bad_input naming the file", "[npy][errors]") {
  const std::string four_floats = raw(std::vector<float>{1, 2, 3, 4});
  SECTION("unsupported dtype") {
    require_rejected(npy_bytes(header("<i4", "(4,)"), four_floats), "dtype '<i4' is not supported (expected <f4, <f8 or <i8)");
  }
  SECTION("big-endian") { require_rejected(npy_bytes(header(">f4", "(4,)"), four_floats), "dtype '>f4'"); }
  SECTION("native-order spellings that depend on the reader") {
    require_rejected(npy_bytes(header("=f4", "(4,)"), four_floats), "dtype '=f4'");
    require_rejected(npy_bytes(header("f4", "(4,)"), four_floats), "dtype 'f4'");
  }
  SECTION("Fortran order") {
    require_rejected(npy_bytes(header("<f4", "(2, 2)", "True"), four_floats), "fortran_order True");
  }
  SECTION("bad magic") { require_rejected("PK\x03\x04 this is a zip file", "bad magic"); }
  SECTION("unsupported version") { require_rejected(npy_bytes(header("<f4", "(4,)"), four_floats, 4), "version 4.0"); }
  SECTION("truncated header") {
    require_rejected(npy_bytes(header("<f4", "(4,)"), four_floats).substr(0, 40), "truncated header");
    require_rejected(std::string("\x93NUMPY\x01\x00", 8), "truncated header");
  }
  SECTION("truncated data") { require_rejected(npy_bytes(header("<f4", "(5,)"), four_floats), "truncated data"); }
  SECTION("trailing bytes") { require_rejected(npy_bytes(header("<f4", "(3,)"), four_floats), "unexpected bytes"); }
  SECTION("malformed header") {
    require_rejected(npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (4,), 'extra': 1}", four_floats),
                     "unexpected header key 'extra'");
    require_rejected(npy_bytes("{'descr': '<f4', 'shape': (4,)}", four_floats), "no 'fortran_order'");
    require_rejected(npy_bytes(header("<f4", "(-4,)"), four_floats), "non-negative integers");
    require_rejected(npy_bytes("not a dict", four_floats), "malformed header");
  }
  SECTION("element count overflowing 64 bits") {
    require_rejected(npy_bytes(header("<f4", "(4294967296, 4294967296)"), four_floats), "overflows");
    require_rejected(npy_bytes(header("<f4", "(99999999999999999999,)"), four_floats), "64 bits");
  }
}

TEST_CASE("npy: a missing file or a directory is bad_input naming it", "[npy][errors]") {
  TempDir dir;
  for (const fs::path& p : {dir.path / "missing.npy", dir.path}) {
    try {
      poolkit::load_npy(p);
      FAIL("loaded " << p);
    } catch (const poolkit::Error& e) {
      CHECK(e.kind() == poolkit::ErrorKind::bad_input);
      CHECK_THAT(e.what(), Contains(p.string()));
    }
  }
}

TEST_CASE("npy: save_npy into a missing directory fails and leaves nothing behind", "[npy][errors]") {
  TempDir dir;
  const fs::path file = dir.path / "no_such_dir" / "x.npy";
  CHECK_THROWS_AS(poolkit::save_npy(file, Tensor::zeros(Shape{2})), poolkit::Error);
  CHECK(fs::is_empty(dir.path));
}
