#include "io/json_text.h"

#include <fstream>
#include <set>
#include <vector>

#include "graph/param_codec.h"
#include "poolkit/errors.h"

namespace poolkit::detail {

using json = nlohmann::json;

std::string read_text_file(const std::filesystem::path& file, const char* what, size_t max_bytes) {
  std::error_code ec;
  if (std::filesystem::is_directory(file, ec)) fail_bad_input(std::string(what) + " '" + file.string() + "': is a directory");
  std::ifstream in(file, std::ios::binary);
  if (!in) fail_bad_input(std::string(what) + " '" + file.string() + "': cannot open (missing or unreadable)");
  std::string text;
  char buffer[1 << 16];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    text.append(buffer, static_cast<size_t>(in.gcount()));
    if (text.size() > max_bytes) {
      fail_bad_input(std::string(what) + " '" + file.string() + "': larger than " + std::to_string(max_bytes >> 20) +
                     " MiB: not a " + what);
    }
  }
  if (in.bad()) fail_bad_input(std::string(what) + " '" + file.string() + "': read error");
  return text;
}

std::string json_error_text(const json::exception& e) {
  std::string msg = e.what();
  if (const auto p = msg.find("] "); p != std::string::npos) msg = msg.substr(p + 2);  // drop "[json.exception...]"
  return msg;
}

namespace {

// SAX handler that fails on the first key repeated within one object (one key set per open object).
class DuplicateKeyFinder {
 public:
  bool null() { return true; }
  bool boolean(bool) { return true; }
  bool number_integer(json::number_integer_t) { return true; }
  bool number_unsigned(json::number_unsigned_t) { return true; }
  bool number_float(json::number_float_t, const json::string_t&) { return true; }
  bool string(json::string_t&) { return true; }
  bool binary(json::binary_t&) { return true; }
  bool start_object(std::size_t) {
    keys_.emplace_back();
    return true;
  }
  bool key(json::string_t& key) {
    if (!keys_.empty() && !keys_.back().insert(key).second) {
      fail_bad_input("malformed JSON: key " + brief(json(key)) + " appears twice in one object");
    }
    return true;
  }
  bool end_object() {
    if (!keys_.empty()) keys_.pop_back();
    return true;
  }
  bool start_array(std::size_t) { return true; }
  bool end_array() { return true; }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) { return false; }

 private:
  std::vector<std::set<std::string>> keys_;
};

}  // namespace

json parse_json_strictly(std::string_view text) {
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::exception& e) {  // parse_error, and out_of_range for numbers like 1e999
    fail_bad_input("malformed JSON: " + json_error_text(e));
  }
  // A second, SAX pass finds repeated keys. (A parser callback could do it in one pass, but
  // nlohmann's callback parser is quadratic in the length of an array of objects: a graph of
  // 200 000 nodes took seconds.)
  DuplicateKeyFinder finder;
  json::sax_parse(text, &finder);
  return doc;
}

}  // namespace poolkit::detail
