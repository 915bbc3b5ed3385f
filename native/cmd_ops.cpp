// `poolkit ops [--json]`: every op of the op table with its inputs, parameters and defaults, and
// the backends that serve it. Everything comes from poolkit::all_ops() and the backend registry;
// nothing here lists ops by hand.
#include <iostream>
#include <memory>
#include <utility>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "poolkit/poolkit.h"

namespace poolkit::cli {
namespace {

// Which backends have a kernel for |kind|; a backend that cannot be created (no device) serves
// nothing here.
std::vector<std::pair<std::string, bool>> backend_support(OpKind kind) {
  std::vector<std::pair<std::string, bool>> out;
  for (const std::string& name : backend_names()) {
    bool yes = false;
    try {
      yes = backend(name).implements(kind);
    } catch (const std::exception&) {
      yes = false;
    }
    out.emplace_back(name, yes);
  }
  return out;
}

nlohmann::json default_json(const ParamInfo& p) {
  if (p.default_value == "required") return nullptr;
  // default_value is JSON text by contract; keep it as a string if a table entry is not.
  auto parsed = nlohmann::json::parse(p.default_value, nullptr, /*allow_exceptions=*/false);
  return parsed.is_discarded() ? nlohmann::json(p.default_value) : parsed;
}

int ops_json() {
  for (const OpInfo& op : all_ops()) {
    nlohmann::json j;
    j["name"] = op.name;
    j["summary"] = op.summary;
    j["inputs"] = op.input_names;
    j["params"] = nlohmann::json::array();
    for (const ParamInfo& p : op.params) {
      j["params"].push_back({{"name", p.name},
                             {"type", p.type},
                             {"required", p.default_value == "required"},
                             {"default", default_json(p)}});
    }
    j["backends"] = nlohmann::json::array();
    for (const auto& [backend_name, yes] : backend_support(op.kind))
      if (yes) j["backends"].push_back(backend_name);
    std::cout << j.dump() << "\n";  // one object per line, like `bench --json`
  }
  return 0;
}

int ops_text() {
  for (const OpInfo& op : all_ops()) {
    std::cout << op.name << "(";
    for (size_t i = 0; i < op.input_names.size(); ++i) std::cout << (i ? ", " : "") << op.input_names[i];
    std::cout << ")  " << op.summary << "\n";
    for (const ParamInfo& p : op.params) {
      std::cout << "    " << p.name << ": " << p.type << " = " << p.default_value << "\n";
    }
    std::cout << "    backends:";
    for (const auto& [backend_name, yes] : backend_support(op.kind))
      if (yes) std::cout << " " << backend_name;
    std::cout << "\n";
  }
  return 0;
}

}  // namespace

Command add_ops_command(CLI::App& parent) {
  auto json = std::make_shared<bool>(false);
  CLI::App* app = parent.add_subcommand("ops", "List the ops, their parameters and defaults, and the backends serving them");
  app->add_flag("--json", *json, "One JSON object per op per line");
  return {app, [json] { return *json ? ops_json() : ops_text(); }};
}

}  // namespace poolkit::cli
