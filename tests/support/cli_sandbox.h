// Running the real `poolkit` binary (POOLKIT_CLI_PATH) in a fresh temporary directory: the CLI
// tests' harness. The directory and everything in it is removed when the sandbox goes; stdout and
// stderr are captured to files beside (not in) the working directory, so listing() shows exactly
// what the command wrote.
#pragma once

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <string>

namespace poolkit::test {

inline std::string shell_quoted(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

inline std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

struct CliResult {
  int code = -1;
  std::string out;
  std::string err;
  int err_lines() const {
    int n = 0;
    for (char c : err) n += c == '\n';
    return n;
  }
};

class CliSandbox {
 public:
  CliSandbox() {
    std::random_device rd;
    root_ = std::filesystem::temp_directory_path() / ("poolkit-test-cli-" + std::to_string(rd()) + std::to_string(rd()));
    dir_ = root_ / "work";
    std::filesystem::create_directories(dir_);
  }
  ~CliSandbox() {
    std::error_code ignored;
    std::filesystem::remove_all(root_, ignored);
  }
  CliSandbox(const CliSandbox&) = delete;
  CliSandbox& operator=(const CliSandbox&) = delete;

  const std::filesystem::path& dir() const { return dir_; }
  std::filesystem::path operator/(const std::string& name) const { return dir_ / name; }
  void write(const std::string& name, const std::string& text) const {
    std::ofstream(dir_ / name, std::ios::binary) << text;
  }
  std::set<std::string> listing() const {
    std::set<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(dir_)) names.insert(e.path().filename().string());
    return names;
  }
  // |args| is shell text after the program name (quote paths with shell_quoted()).
  CliResult run(const std::string& args) const {
    const auto out = root_ / "stdout.txt", err = root_ / "stderr.txt";
    const std::string command = "cd " + shell_quoted(dir_.string()) + " && " + shell_quoted(POOLKIT_CLI_PATH) + " " + args +
                                " >" + shell_quoted(out.string()) + " 2>" + shell_quoted(err.string()) + " </dev/null";
    const int status = std::system(command.c_str());
    CliResult r;
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.out = read_text(out);
    r.err = read_text(err);
    return r;
  }

 private:
  std::filesystem::path root_;
  std::filesystem::path dir_;
};

}  // namespace poolkit::test
