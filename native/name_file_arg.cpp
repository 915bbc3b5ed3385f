#include "name_file_arg.h"

#include <set>

#include "poolkit/errors.h"

namespace poolkit::cli {

std::vector<NameFile> parse_name_files(const std::vector<std::string>& args, std::string_view option) {
  std::vector<NameFile> out;
  std::set<std::string, std::less<>> seen;
  for (const std::string& arg : args) {
    const size_t eq = arg.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == arg.size()) {
      fail_bad_input(std::string(option) + " '" + arg + "': expected NAME=FILE.npy");
    }
    NameFile nf{arg.substr(0, eq), arg.substr(eq + 1)};
    if (!seen.insert(nf.name).second) fail_bad_input(std::string(option) + " '" + nf.name + "' is given twice");
    out.push_back(std::move(nf));
  }
  return out;
}

std::map<std::string, std::string> parse_variants(const std::vector<std::string>& args) {
  std::map<std::string, std::string> out;
  for (const std::string& arg : args) {
    const size_t eq = arg.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == arg.size())
      fail_bad_input("--variant '" + arg + "': expected NODE=VARIANT_ID");
    if (!out.emplace(arg.substr(0, eq), arg.substr(eq + 1)).second)
      fail_bad_input("--variant '" + arg.substr(0, eq) + "' is given twice");
  }
  return out;
}

}  // namespace poolkit::cli
