// The generated backend list (backend_list.cpp, from engine/CMakeLists.txt) and its lookup.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "poolkit/backend.h"

namespace poolkit {

struct BackendFactory {
  std::string_view name;
  std::unique_ptr<Backend> (*make)();
};
const std::vector<BackendFactory>& backend_factories();

}  // namespace poolkit
