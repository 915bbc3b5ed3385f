// commands.h — the subcommands of the `poolkit` tool.
//
// Each add_*_command registers its subcommand and options on the CLI11 app and returns the
// action to run once parsing succeeded. Actions report failures by throwing poolkit::Error;
// poolkit_main.cpp is the one place that catches and prints them.
#pragma once

#include <functional>

#include <CLI/CLI.hpp>

namespace poolkit::cli {

struct Command {
  CLI::App* app = nullptr;
  std::function<int()> action;  // returns the exit code
};

Command add_run_command(CLI::App& parent);
Command add_bench_command(CLI::App& parent);
Command add_tune_command(CLI::App& parent);
Command add_ops_command(CLI::App& parent);
Command add_devices_command(CLI::App& parent);

}  // namespace poolkit::cli
