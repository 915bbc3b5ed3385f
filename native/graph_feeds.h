// graph_feeds.h — the inputs `bench` and `tune` run a graph on.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "name_file_arg.h"
#include "poolkit/poolkit.h"

namespace poolkit::cli {

// Every graph input: from |given| (--input NAME=FILE.npy, shape and dtype checked) where named,
// else deterministic pseudo-random data (bench::random_input), so runs are repeatable.
NamedTensors make_feeds(const Graph& graph, const std::vector<NameFile>& given);

// The --input option of the commands that run on make_feeds (NAME=FILE.npy, repeatable; parsed
// later by parse_name_files so that its errors are one line with exit 2).
void add_feed_option(CLI::App& app, std::vector<std::string>& inputs);

}  // namespace poolkit::cli
