// Which backends this build compiled in (a sanitizer or reference-only build has no cpu, a build
// without Vulkan no vulkan): tests about one backend return early without it.
#pragma once

#include <algorithm>
#include <string>

#include "poolkit/poolkit.h"

inline bool has_backend(const std::string& name) {
  const auto names = poolkit::backend_names();
  return std::find(names.begin(), names.end(), name) != names.end();
}
