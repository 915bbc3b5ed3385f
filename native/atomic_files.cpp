#include "atomic_files.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <system_error>

#include "poolkit/errors.h"

namespace poolkit::cli {
namespace {

namespace fs = std::filesystem;

// Same directory as the destination, so that the final rename() stays on one file system and is
// atomic. The leading dot keeps it out of casual listings.
fs::path temp_sibling(const fs::path& destination) {
  static std::mt19937_64 rng{std::random_device{}()};
  std::string name = ".";  // appended piecewise: GCC 12 warns falsely (-Wrestrict) about "." + string
  name += destination.filename().string();
  name += ".poolkit-tmp-" + std::to_string(rng() % 1000000000000ull);
  return destination.parent_path() / name;
}

void remove_quietly(const fs::path& p) noexcept {
  std::error_code ignored;
  fs::remove(p, ignored);
}

// Writes every piece to |f| and closes it; an error message (empty on success).
std::string write_and_close(std::FILE* f, const std::vector<std::string_view>& pieces) {
  bool wrote = true;
  int write_errno = 0;
  for (std::string_view piece : pieces) {
    if (piece.empty()) continue;  // an empty view's data() may be null, which fwrite must not get
    if (std::fwrite(piece.data(), 1, piece.size(), f) != piece.size()) {
      wrote = false;
      write_errno = errno;
      break;
    }
  }
  const bool closed = std::fclose(f) == 0;
  if (wrote && closed) return {};
  return std::strerror(wrote ? errno : write_errno);
}

}  // namespace

AtomicFiles::~AtomicFiles() { discard(); }

void AtomicFiles::discard() noexcept {
  for (const Pending& p : pending_)
    if (!p.temp.empty()) remove_quietly(p.temp);
  pending_.clear();
}

void AtomicFiles::add(const fs::path& destination, std::initializer_list<std::string_view> pieces) {
  const fs::path absolute = fs::absolute(destination).lexically_normal();
  for (const Pending& p : pending_) {
    if (fs::absolute(p.destination).lexically_normal() == absolute) {
      fail_bad_input(destination.string() + ": the same file is given for two outputs");
    }
  }
  std::error_code ec;
  const fs::file_status status = fs::status(destination, ec);
  if (fs::exists(status) && !fs::is_regular_file(status) && !fs::is_directory(status)) {
    if (fs::is_socket(status)) fail_bad_input(destination.string() + ": is a socket, not a file");
    pending_.push_back({destination, {}, std::vector<std::string_view>(pieces)});
    return;
  }
  const fs::path temp = temp_sibling(destination);
  // "x": fail rather than reuse a file that happens to exist under the temporary name.
  std::FILE* f = std::fopen(temp.c_str(), "wbx");
  if (!f) fail_bad_input(destination.string() + ": cannot create: " + std::strerror(errno));
  pending_.push_back({destination, temp, {}});  // from here on the destructor cleans it up
  const std::string failure = write_and_close(f, std::vector<std::string_view>(pieces));
  if (!failure.empty()) fail_runtime(destination.string() + ": write failed: " + failure);
}

void AtomicFiles::probe(const fs::path& destination) {
  std::error_code ec;
  if (fs::is_directory(destination, ec)) fail_bad_input(destination.string() + ": is a directory");
  AtomicFiles trial;
  trial.add(destination, std::string_view());  // creates the temporary sibling; the destructor removes it
}

void AtomicFiles::commit() {
  // Check what would make a rename fail before renaming anything, so a failure half-way (which
  // cannot restore a file it replaced) is left to the truly unexpected.
  for (const Pending& p : pending_) {
    std::error_code ec;
    if (!p.temp.empty() && fs::is_directory(p.destination, ec)) fail_bad_input(p.destination.string() + ": is a directory");
  }
  for (size_t i = 0; i < pending_.size(); ++i) {
    if (pending_[i].temp.empty()) continue;
    std::error_code ec;
    fs::rename(pending_[i].temp, pending_[i].destination, ec);
    if (ec) {
      for (size_t j = 0; j < i; ++j)
        if (!pending_[j].temp.empty()) remove_quietly(pending_[j].destination);
      const std::string what = pending_[i].destination.string();
      pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(i));
      fail_runtime(what + ": cannot rename into place: " + ec.message());
    }
  }
  // Devices and FIFOs last: there is no file to leave half-written, and nothing to roll back.
  std::vector<Pending> direct;
  for (Pending& p : pending_)
    if (p.temp.empty()) direct.push_back(std::move(p));
  pending_.clear();
  for (const Pending& p : direct) {
    std::FILE* f = std::fopen(p.destination.c_str(), "wb");
    if (!f) fail_runtime(p.destination.string() + ": cannot open for writing: " + std::strerror(errno));
    const std::string failure = write_and_close(f, p.pieces);
    if (!failure.empty()) fail_runtime(p.destination.string() + ": write failed: " + failure);
  }
}

}  // namespace poolkit::cli
