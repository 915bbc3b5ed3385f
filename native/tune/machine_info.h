// machine_info.h — where and when a measurement was taken, for the tuning table's header
// (NOTES.md: numbers from different machines or days are not comparable; the table says which).
#pragma once

#include <string>

namespace poolkit::tune {

// The current time in UTC, ISO 8601 to the second: "2026-11-23T10:04:05Z".
std::string utc_now();

// "AMD EPYC, 2 logical CPUs, Linux 6.1.0 x86_64": the CPU model from /proc/cpuinfo (where there
// is one), the logical CPU count and uname(2). Never fails: unknown parts are left out.
std::string machine_description();

}  // namespace poolkit::tune
