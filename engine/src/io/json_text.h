// json_text.h — reading JSON documents the engine accepts from users (graphs, tuning tables) with
// the same guards and the same error words: a size cap on files, duplicate keys rejected, and
// nlohmann's exception text stripped of its "[json.exception...]" prefix.
#pragma once

#include <cstddef>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace poolkit::detail {

// The whole file as text. |what| names the file's role in messages ("graph file 'g.json': ...").
// Throws Error{bad_input} for a directory, a missing or unreadable file, or one larger than
// |max_bytes| (which also keeps /dev/zero from being read forever).
std::string read_text_file(const std::filesystem::path& file, const char* what, size_t max_bytes);

// Parses |text|; throws Error{bad_input} "malformed JSON: ..." on a syntax error, a number out of
// range, or a key repeated within one object (JSON allows it and nlohmann keeps the last one
// silently, which would hide a typo).
nlohmann::json parse_json_strictly(std::string_view text);

// nlohmann's message without its "[json.exception.type_error.302] " prefix.
std::string json_error_text(const nlohmann::json::exception& e);

}  // namespace poolkit::detail
