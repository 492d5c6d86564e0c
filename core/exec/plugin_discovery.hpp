#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace flowrun {

/// Where external plugins are looked for, in this order: each folder of `plugin_path`
/// ($FLOWRUN_PLUGIN_PATH), `<workflow_dir>/plugins`, each folder of `path` ($PATH).
struct PluginSearch {
  std::string plugin_path;
  std::string workflow_dir;
  std::string path;
};

/// The executable file name of external plugin `name`: `flowrun-plugin-NAME`.
std::string plugin_executable_name(std::string_view name);

/// The first executable `flowrun-plugin-NAME` along the search, or nullopt.
std::optional<std::string> find_plugin(std::string_view name, const PluginSearch& search);

/// One external plugin found on disk; `source` says which part of the search found it
/// (`FLOWRUN_PLUGIN_PATH`, `plugins/`, `PATH`).
struct FoundPlugin {
  std::string name;
  std::string path;
  std::string source;
};

/// Every `flowrun-plugin-*` executable along the search; a name found twice keeps the first.
std::vector<FoundPlugin> discover_plugins(const PluginSearch& search);

/// What `flowrun-plugin-NAME --describe` printed: a JSON Schema of its `with:`.
struct PluginDescription {
  nlohmann::json schema;
  std::string description;  ///< the schema's `description`, or ""
  std::string error;        ///< why no schema could be read, or ""
};

/// Runs `path --describe` with `environment` (`NAME=value`), waiting at most `timeout_ms`,
/// and reads its stdout as a JSON object. Never throws; failures land in `error`.
PluginDescription describe_plugin(const std::string& path,
                                  const std::vector<std::string>& environment,
                                  int timeout_ms = 5000);

}  // namespace flowrun
