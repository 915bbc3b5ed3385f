// graph_feeds.h — the inputs `bench` and `tune` run a graph on.
#pragma once

#include <vector>

#include "name_file_arg.h"
#include "poolkit/poolkit.h"

namespace poolkit::cli {

// Every graph input: from |given| (--input NAME=FILE.npy, shape and dtype checked) where named,
// else deterministic pseudo-random data (bench::random_input), so runs are repeatable.
NamedTensors make_feeds(const Graph& graph, const std::vector<NameFile>& given);

}  // namespace poolkit::cli
