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

}  // namespace

AtomicFiles::~AtomicFiles() { discard(); }

void AtomicFiles::discard() noexcept {
  for (const Pending& p : pending_) remove_quietly(p.temp);
  pending_.clear();
}

void AtomicFiles::add(const fs::path& destination, std::string_view bytes) {
  const fs::path absolute = fs::absolute(destination).lexically_normal();
  for (const Pending& p : pending_) {
    if (fs::absolute(p.destination).lexically_normal() == absolute) {
      fail_bad_input(destination.string() + ": the same file is given for two outputs");
    }
  }
  const fs::path temp = temp_sibling(destination);
  // "x": fail rather than reuse a file that happens to exist under the temporary name.
  std::FILE* f = std::fopen(temp.c_str(), "wbx");
  if (!f) fail_bad_input(destination.string() + ": cannot create: " + std::strerror(errno));
  pending_.push_back({destination, temp});  // from here on the destructor cleans it up
  const bool wrote = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  const int write_errno = errno;
  const bool closed = std::fclose(f) == 0;
  if (!wrote || !closed) {
    fail_runtime(destination.string() + ": write failed: " + std::strerror(wrote ? errno : write_errno));
  }
}

void AtomicFiles::commit() {
  // Check what would make a rename fail before renaming anything, so a failure half-way (which
  // cannot restore a file it replaced) is left to the truly unexpected.
  for (const Pending& p : pending_) {
    std::error_code ec;
    if (fs::is_directory(p.destination, ec)) fail_bad_input(p.destination.string() + ": is a directory");
  }
  for (size_t i = 0; i < pending_.size(); ++i) {
    std::error_code ec;
    fs::rename(pending_[i].temp, pending_[i].destination, ec);
    if (ec) {
      for (size_t j = 0; j < i; ++j) remove_quietly(pending_[j].destination);
      pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(i));
      fail_runtime(pending_.front().destination.string() + ": cannot rename into place: " + ec.message());
    }
  }
  pending_.clear();
}

}  // namespace poolkit::cli
