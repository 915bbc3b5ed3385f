// |text| (graph JSON) must be rejected as bad input with a one-line message; returns the message.
#pragma once

#include <catch2/catch.hpp>
#include <string>

#include "poolkit/poolkit.h"

namespace poolkit::test {

inline std::string rejection(const std::string& text) {
  try {
    Graph::from_json(text, ".");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::bad_input);
    const std::string msg = e.what();
    CHECK(msg.find('\n') == std::string::npos);
    return msg;
  }
  FAIL("graph was accepted: " << text.substr(0, 300));
  return {};
}

}  // namespace poolkit::test
