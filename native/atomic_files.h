// atomic_files.h — write several files all-or-nothing (DESIGN.md: `run` never leaves a
// half-written file, and writes every requested output or none).
//
// add() writes the bytes to a temporary sibling of the destination at once (so a full disk or a
// missing directory shows up before anything is visible); commit() renames them all into place.
// A set destroyed without a successful commit() removes its temporaries; a commit() that fails
// half-way removes the destinations it had already renamed into place.
#pragma once

#include <filesystem>
#include <string_view>
#include <vector>

namespace poolkit::cli {

class AtomicFiles {
 public:
  AtomicFiles() = default;
  AtomicFiles(const AtomicFiles&) = delete;
  AtomicFiles& operator=(const AtomicFiles&) = delete;
  ~AtomicFiles();

  // Throws Error{bad_input} when |destination| is already in the set or cannot be created,
  // Error{runtime} when writing fails (disk full).
  void add(const std::filesystem::path& destination, std::string_view bytes);
  void commit();

 private:
  struct Pending {
    std::filesystem::path destination;
    std::filesystem::path temp;
  };
  void discard() noexcept;
  std::vector<Pending> pending_;
};

}  // namespace poolkit::cli
