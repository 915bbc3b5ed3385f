#include "backends/halide/variant_registry.h"

#include <sstream>

#include "halide_variant_headers.h"  // generated: every pk_<id>.h

namespace poolkit::halide {

int Variant::int_param(std::string_view name) const {
  const auto it = params.find(name);
  if (it == params.end()) return 0;
  if (it->second == "true") return 1;
  if (it->second == "false") return 0;
  return std::stoi(it->second);
}

std::string_view Variant::str_param(std::string_view name) const {
  const auto it = params.find(name);
  return it == params.end() ? std::string_view() : std::string_view(it->second);
}

namespace {

std::map<std::string, std::string, std::less<>> parse_params(std::string_view text) {
  std::map<std::string, std::string, std::less<>> out;
  std::istringstream in{std::string(text)};
  std::string kv;
  while (in >> kv) {
    const auto eq = kv.find('=');
    if (eq != std::string::npos) out.emplace(kv.substr(0, eq), kv.substr(eq + 1));
  }
  return out;
}

}  // namespace

const std::vector<Variant>& variants() {
  static const std::vector<Variant> table = {
#define POOLKIT_HALIDE_VARIANT(generator, id, params) \
  {#generator, #id, parse_params(params), reinterpret_cast<void*>(&pk_##id)},
#include "halide_variants.inc"
#undef POOLKIT_HALIDE_VARIANT
  };
  return table;
}

}  // namespace poolkit::halide
