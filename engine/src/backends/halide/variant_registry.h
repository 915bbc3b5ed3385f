// The Halide variants compiled into this build: generated from halide_generators/variants.cmake
// (halide_variants.inc), in table order = preference order.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace poolkit::halide {

struct Variant {
  std::string_view generator;  // "pool2d", "conv2d", ...
  std::string_view id;         // "max_pool2d__k2s2__v16_r8"
  std::map<std::string, std::string, std::less<>> params;  // the row's generator params
  void* function;              // pk_<id>; its signature is the generator's (see the family)

  // An integer param, 0 when absent ("not specialized"). bool params read as 0/1.
  int int_param(std::string_view name) const;
  std::string_view str_param(std::string_view name) const;  // "" when absent
  // An AUTOSCHEDULER row of variants.cmake (its params say autoscheduler=<name>): never the
  // planner's default, it runs on request (--variant, a tuned table).
  bool autoscheduled() const { return params.count("autoscheduler") != 0; }
};

const std::vector<Variant>& variants();

}  // namespace poolkit::halide
