// atomic_files.h — write several files all-or-nothing (DESIGN.md: `run` never leaves a
// half-written file, and writes every requested output or none).
//
// add() writes the bytes to a temporary sibling of the destination at once (so a full disk or a
// missing directory shows up before anything is visible); commit() renames them all into place.
// A set destroyed without a successful commit() removes its temporaries; a commit() that fails
// half-way removes the destinations it had already renamed into place.
#pragma once

#include <filesystem>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace poolkit::cli {

class AtomicFiles {
 public:
  AtomicFiles() = default;
  AtomicFiles(const AtomicFiles&) = delete;
  AtomicFiles& operator=(const AtomicFiles&) = delete;
  ~AtomicFiles();

  // |pieces| are written one after the other (a header, then a tensor's data straight from its
  // memory). Throws Error{bad_input} when |destination| is already in the set or cannot be
  // created, Error{runtime} when writing fails (disk full).
  //
  // A destination that exists and is neither a regular file nor a directory (/dev/null,
  // /dev/stdout, a FIFO) cannot be replaced by a rename — and must not be: as root, renaming over
  // /dev/null would replace the device with a file. Such a destination is written directly, last,
  // by commit(), after every regular file is in place; the pieces must stay alive until then.
  void add(const std::filesystem::path& destination, std::initializer_list<std::string_view> pieces);
  void add(const std::filesystem::path& destination, std::string_view bytes) { add(destination, {bytes}); }
  void commit();

  // Fails as add() and commit() would for |destination| (missing directory, no permission, a
  // directory in the way), leaving nothing behind: a long command (`tune`) checks its output
  // path this way before spending minutes on what it would write there.
  static void probe(const std::filesystem::path& destination);

 private:
  struct Pending {
    std::filesystem::path destination;
    std::filesystem::path temp;  // empty for a destination written directly (a device or FIFO)
    std::vector<std::string_view> pieces;  // what to write directly at commit()
  };
  void discard() noexcept;
  std::vector<Pending> pending_;
};

}  // namespace poolkit::cli
