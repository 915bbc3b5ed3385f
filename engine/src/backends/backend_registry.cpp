// Backend lookup by name over the generated list (backend_list.cpp, from engine/CMakeLists.txt).
#include <map>
#include <mutex>

#include "backends/backend_factory.h"

namespace poolkit {

std::vector<std::string> backend_names() {
  std::vector<std::string> names;
  for (const auto& f : backend_factories()) names.emplace_back(f.name);
  return names;
}

Backend& backend(std::string_view name) {
  // Backends are created on first use (a Vulkan instance is not free) and live for the process.
  static std::mutex mutex;
  static std::map<std::string, std::unique_ptr<Backend>, std::less<>> created;
  std::lock_guard lock(mutex);
  if (const auto it = created.find(name); it != created.end()) return *it->second;
  for (const auto& f : backend_factories()) {
    if (f.name == name) return *created.emplace(std::string(name), f.make()).first->second;
  }
  std::string known;
  for (const auto& n : backend_names()) known += (known.empty() ? "" : ", ") + n;
  fail_bad_input("unknown backend '" + std::string(name) + "' (this build has: " + known + ")");
}

}  // namespace poolkit
