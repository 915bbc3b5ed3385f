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

}  // namespace poolkit::cli
