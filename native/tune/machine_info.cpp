#include "tune/machine_info.h"

#include <sys/utsname.h>

#include <ctime>
#include <fstream>
#include <thread>

namespace poolkit::tune {

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

namespace {

// The first "model name" line of /proc/cpuinfo (x86; other architectures name it differently
// or not at all, and then the description goes without it).
std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  for (int i = 0; i < 200 && std::getline(in, line); ++i) {
    if (line.rfind("model name", 0) != 0) continue;
    const auto colon = line.find(':');
    if (colon == std::string::npos) break;
    std::string model = line.substr(colon + 1);
    while (!model.empty() && model.front() == ' ') model.erase(model.begin());
    return model;
  }
  return "";
}

}  // namespace

std::string machine_description() {
  std::string out = cpu_model();
  const unsigned cpus = std::thread::hardware_concurrency();
  if (cpus > 0) out += (out.empty() ? "" : ", ") + std::to_string(cpus) + " logical CPUs";
  utsname u{};
  if (uname(&u) == 0) {
    out += (out.empty() ? "" : ", ") + std::string(u.sysname) + " " + u.release + " " + u.machine;
  }
  return out.empty() ? "unknown" : out;
}

}  // namespace poolkit::tune
