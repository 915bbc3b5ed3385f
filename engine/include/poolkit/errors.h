// poolkit/errors.h — the one error type of the engine.
//
// Every failure the engine reports is a poolkit::Error. Its kind decides how a front end reacts:
// the command line maps bad_input/unsupported to exit code 2 and runtime to exit code 1; the
// browser bindings rethrow the message as a JS Error. Messages are one line, in the form
// "where: what value: which rule", e.g.
//   node 'p' (max_pool2d): parameter 'stride' [0, 2]: must be >= 1
#pragma once

#include <stdexcept>
#include <string>

namespace poolkit {

enum class ErrorKind {
  bad_input,    // the graph, a parameter, a file or a tensor is wrong: the caller can fix it
  unsupported,  // valid input that this backend or build cannot serve
  runtime,      // the machine failed us: out of memory, no device, device lost
};

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  ErrorKind kind() const { return kind_; }

 private:
  ErrorKind kind_;
};

// Shorthands for the common kind; they read as sentences at the throw site.
[[noreturn]] inline void fail_bad_input(const std::string& message) {
  throw Error(ErrorKind::bad_input, message);
}
[[noreturn]] inline void fail_runtime(const std::string& message) {
  throw Error(ErrorKind::runtime, message);
}

// Exit code of the command-line tool for an error of this kind (DESIGN.md: 2 bad input, 1 runtime).
inline int exit_code(ErrorKind kind) { return kind == ErrorKind::runtime ? 1 : 2; }

}  // namespace poolkit
