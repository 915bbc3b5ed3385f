// `poolkit devices`: the devices each compiled-in backend would run on.
#include <iostream>

#include "commands.h"
#include "poolkit/poolkit.h"

namespace poolkit::cli {
namespace {

int devices() {
  for (const std::string& name : backend_names()) {
    std::cout << name << ":\n";
    // A backend that cannot reach its hardware (no Vulkan driver) is listed as such: the
    // command's job is to report, and the other backends are still usable.
    try {
      const auto list = backend(name).devices();
      if (list.empty()) std::cout << "  (no devices)\n";
      for (const DeviceInfo& d : list) {
        std::cout << "  " << d.name << " [" << d.kind << "]";
        if (!d.details.empty()) std::cout << " " << d.details;
        std::cout << "\n";
      }
    } catch (const Error& e) {
      if (e.kind() != ErrorKind::runtime && e.kind() != ErrorKind::unsupported) throw;
      std::cout << "  (unavailable: " << e.what() << ")\n";
    }
  }
  return 0;
}

}  // namespace

Command add_devices_command(CLI::App& parent) {
  CLI::App* app = parent.add_subcommand("devices", "List the devices of every compiled-in backend");
  return {app, [] { return devices(); }};
}

}  // namespace poolkit::cli
