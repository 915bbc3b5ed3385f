// name_file_arg.h — the NAME=FILE arguments of `--input` and `--output`, and NODE=ID of `--variant`.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace poolkit::cli {

struct NameFile {
  std::string name;  // a graph value name; may contain '.' ("p.indices") but not '='
  std::filesystem::path file;
};

// Splits each argument at its first '='. Throws Error{bad_input} (exit 2) naming |option| for a
// missing '=', an empty name or file, or a name given twice.
std::vector<NameFile> parse_name_files(const std::vector<std::string>& args, std::string_view option);

// --variant NODE=VARIANT_ID: split at the first '='; both sides non-empty, each node once
// (Error{bad_input} otherwise). Returns node -> variant id (SessionOptions::variants).
std::map<std::string, std::string> parse_variants(const std::vector<std::string>& args);

}  // namespace poolkit::cli
