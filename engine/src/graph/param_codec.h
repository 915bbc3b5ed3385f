// How each parameter type of an op's attribute struct is read from and written to graph JSON.
// One codec per C++ type, so every op with a "kernel_size" pair parses it identically and an
// error names the node, the parameter and the offending value in the same words.
#pragma once

#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "poolkit/errors.h"
#include "poolkit/ops.h"

namespace poolkit::detail {

using json = nlohmann::json;

// A JSON value as error messages quote it: compact, about 100 characters at most, with nesting
// below 4 levels shown as [...] / {...}. (json::dump() recurses once per nesting level, so
// quoting a value nested 100 000 deep would overflow the stack while building the message.)
inline void brief_into(const json& v, int depth, std::string& out) {
  constexpr size_t kLimit = 100;
  if (v.is_array() || v.is_object()) {
    const bool array = v.is_array();
    if (depth >= 4 && !v.empty()) {
      out += array ? "[...]" : "{...}";
      return;
    }
    out += array ? '[' : '{';
    bool first = true;
    for (auto it = v.begin(); it != v.end(); ++it) {
      if (!first) out += ", ";
      first = false;
      if (out.size() > kLimit) {
        out += "...";
        break;
      }
      if (!array) out += json(it.key()).dump() + ": ";
      brief_into(*it, depth + 1, out);
    }
    out += array ? ']' : '}';
    return;
  }
  out += v.dump();
}
inline std::string brief(const json& v) {
  std::string out;
  brief_into(v, 0, out);
  constexpr size_t kMax = 120;
  if (out.size() > kMax) {
    size_t cut = kMax;
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;  // whole UTF-8 characters
    out.resize(cut);
    out += "...";
  }
  return out;
}

// Names the parameter being read in every message: "node 'p' (max_pool2d): parameter 'stride'".
struct ParamSite {
  std::string where;  // "node 'p' (max_pool2d)"
  std::string param;
  [[noreturn]] void fail(const json& value, const std::string& expected) const {
    fail_bad_input(where + ": parameter '" + param + "' " + brief(value) + ": expected " + expected);
  }
};

inline int64_t read_int(const json& v, const ParamSite& site, const std::string& expected) {
  // An unsigned value above INT64_MAX would wrap to a negative int64 and be reported as the
  // wrong number ("-1 must be >= 1" for 18446744073709551615): name it as written.
  if (v.is_number_unsigned() && v.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    site.fail(v, expected + " (this value does not fit in 64 bits)");
  }
  if (v.is_number_integer()) return v.get<int64_t>();
  // 3.0 is an int in spirit (JSON writers emit it); 3.5 is not.
  if (v.is_number_float()) {
    const double d = v.get<double>();
    if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9.0e15) return static_cast<int64_t>(d);
  }
  site.fail(v, expected);
}

template <class T>
struct Codec;

template <>
struct Codec<int64_t> {
  static constexpr const char* type = "int";
  // 1-D ops accept torch's 1-tuples too: 3 or [3].
  static int64_t read(const json& v, const ParamSite& s) {
    if (v.is_array() && v.size() == 1) return read_int(v[0], s, "an int or [int]");
    return read_int(v, s, "an int or [int]");
  }
  static json write(int64_t v) { return v; }
};

template <>
struct Codec<uint64_t> {
  static constexpr const char* type = "uint64";
  static uint64_t read(const json& v, const ParamSite& s) {
    if (v.is_number_unsigned()) return v.get<uint64_t>();
    const int64_t i = read_int(v, s, "a non-negative integer");
    if (i < 0) s.fail(v, "a non-negative integer");
    return static_cast<uint64_t>(i);
  }
  static json write(uint64_t v) { return v; }
};

template <>
struct Codec<bool> {
  static constexpr const char* type = "bool";
  static bool read(const json& v, const ParamSite& s) {
    if (!v.is_boolean()) s.fail(v, "true or false");
    return v.get<bool>();
  }
  static json write(bool v) { return v; }
};

template <>
struct Codec<double> {
  static constexpr const char* type = "float";
  static double read(const json& v, const ParamSite& s) {
    if (!v.is_number()) s.fail(v, "a number");
    return v.get<double>();
  }
  static json write(double v) { return v; }
};

template <>
struct Codec<Pair> {
  static constexpr const char* type = "int or [h, w]";
  static Pair read(const json& v, const ParamSite& s) {
    if (v.is_array()) {
      if (v.size() != 2) s.fail(v, "an int or a list of 2 ints");
      return {read_int(v[0], s, "an int or a list of 2 ints"), read_int(v[1], s, "an int or a list of 2 ints")};
    }
    const int64_t i = read_int(v, s, "an int or a list of 2 ints");
    return {i, i};
  }
  static json write(const Pair& p) { return json::array({p.h, p.w}); }
};

template <>
struct Codec<AdaptiveSize> {
  static constexpr const char* type = "int or [h|null, w|null]";
  static std::optional<int64_t> entry(const json& v, const ParamSite& s) {
    if (v.is_null()) return std::nullopt;
    return read_int(v, s, "an int or a list of 2 ints or nulls");
  }
  static AdaptiveSize read(const json& v, const ParamSite& s) {
    if (v.is_array()) {
      if (v.size() != 2) s.fail(v, "an int or a list of 2 ints or nulls");
      return {entry(v[0], s), entry(v[1], s)};
    }
    const auto e = entry(v, s);
    return {e, e};
  }
  static json write(const AdaptiveSize& a) {
    json out = json::array();
    for (const auto& e : a) out.push_back(e ? json(*e) : json(nullptr));
    return out;
  }
};

template <>
struct Codec<std::array<double, 2>> {
  static constexpr const char* type = "float or [h, w]";
  static std::array<double, 2> read(const json& v, const ParamSite& s) {
    if (v.is_array()) {
      if (v.size() != 2 || !v[0].is_number() || !v[1].is_number()) s.fail(v, "a number or a list of 2 numbers");
      return {v[0].get<double>(), v[1].get<double>()};
    }
    if (!v.is_number()) s.fail(v, "a number or a list of 2 numbers");
    return {v.get<double>(), v.get<double>()};
  }
  static json write(const std::array<double, 2>& a) { return json::array({a[0], a[1]}); }
};

template <>
struct Codec<std::vector<int64_t>> {
  static constexpr const char* type = "list of ints";
  static std::vector<int64_t> read(const json& v, const ParamSite& s) {
    if (!v.is_array()) s.fail(v, "a list of ints");
    std::vector<int64_t> out;
    for (const auto& e : v) out.push_back(read_int(e, s, "a list of ints"));
    return out;
  }
  static json write(const std::vector<int64_t>& v) { return v; }
};

template <>
struct Codec<Conv2dPadding> {
  static constexpr const char* type = "int, [h, w], \"same\" or \"valid\"";
  static Conv2dPadding read(const json& v, const ParamSite& s) {
    if (v.is_string()) {
      const auto str = v.get<std::string>();
      if (str == "same") return {Conv2dPadding::Mode::same, {0, 0}};
      if (str == "valid") return {Conv2dPadding::Mode::valid, {0, 0}};
      s.fail(v, "an int, a list of 2 ints, \"same\" or \"valid\"");
    }
    return {Conv2dPadding::Mode::explicit_values, Codec<Pair>::read(v, s)};
  }
  static json write(const Conv2dPadding& p) {
    switch (p.mode) {
      case Conv2dPadding::Mode::same: return "same";
      case Conv2dPadding::Mode::valid: return "valid";
      default: return Codec<Pair>::write(p.values);
    }
  }
};

template <class T>
struct Codec<std::optional<T>> {
  static constexpr const char* type = Codec<T>::type;
  static std::optional<T> read(const json& v, const ParamSite& s) {
    if (v.is_null()) return std::nullopt;
    return Codec<T>::read(v, s);
  }
  static json write(const std::optional<T>& v) { return v ? Codec<T>::write(*v) : json(nullptr); }
};

}  // namespace poolkit::detail
