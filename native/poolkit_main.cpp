// poolkit — the command-line front end (DESIGN.md "The command line").
//
// This is the one place that turns failures into output: every error becomes a single line
// "poolkit: error: <message>" on stderr and an exit code (2 bad usage or input, 1 runtime
// failure). Nothing below main() prints errors or calls exit().
#include <exception>
#include <iostream>
#include <new>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "commands.h"
#include "poolkit/poolkit.h"

namespace {

// Messages are one line by contract; a stray newline (from a library's text) would break
// scripts that read the first stderr line.
void print_error(std::string message) {
  for (char& c : message)
    if (c == '\n' || c == '\r') c = ' ';
  while (!message.empty() && message.back() == ' ') message.pop_back();
  std::cerr << "poolkit: error: " << message << std::endl;
}

int run_cli(int argc, char** argv) {
  CLI::App app{"poolkit: pooling layers on reference, cpu (Halide) and vulkan backends", "poolkit"};
  app.set_version_flag("--version", std::string("poolkit ") + poolkit::kVersion);
  app.require_subcommand(1);
  const std::vector<poolkit::cli::Command> commands = {
      poolkit::cli::add_run_command(app),
      poolkit::cli::add_bench_command(app),
      poolkit::cli::add_tune_command(app),
      poolkit::cli::add_ops_command(app),
      poolkit::cli::add_devices_command(app),
  };
  // CLI11 would report "A subcommand is required" for `poolkit bogus`; name the word instead.
  if (argc > 1 && argv[1][0] != '-') {
    std::string known;
    bool found = false;
    for (const auto& command : commands) {
      found = found || command.app->get_name() == argv[1];
      known += (known.empty() ? "" : ", ") + command.app->get_name();
    }
    if (!found) poolkit::fail_bad_input(std::string("unknown command '") + argv[1] + "' (commands: " + known + ")");
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help / --version: CLI11 prints them
    print_error(e.what());
    return 2;
  }
  for (const auto& command : commands)
    if (command.app->parsed()) return command.action();
  print_error("no command given (see poolkit --help)");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run_cli(argc, argv);
  } catch (const poolkit::Error& e) {
    print_error(e.what());
    return poolkit::exit_code(e.kind());
  } catch (const std::bad_alloc&) {
    print_error("out of memory");
    return 1;
  } catch (const std::exception& e) {
    print_error(e.what());
    return 1;
  } catch (...) {
    print_error("unexpected failure");
    return 1;
  }
}
