// Backend::device_name for backends with one device (reference, cpu): the host.
#include <algorithm>
#include <cctype>

#include "poolkit/backend.h"
#include "poolkit/errors.h"

namespace poolkit {

namespace {
std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}
}  // namespace

std::string Backend::device_name(const std::string& choice) const {
  const std::vector<DeviceInfo> list = devices();
  if (list.empty()) return std::string(name());
  if (choice.empty() || choice == "0" || lower(list.front().name).find(lower(choice)) != std::string::npos) {
    return list.front().name;
  }
  fail_bad_input("device '" + choice + "': backend '" + std::string(name()) + "' has one device (0: " + list.front().name + ")");
}

}  // namespace poolkit
