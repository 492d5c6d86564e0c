#include "cli/cmd_plugins.hpp"

#include <fmt/format.h>

#include <cstdlib>

#include "cli/state_dir.hpp"
#include "cli/terminal.hpp"
#include "core/exec/builtin_plugins.hpp"

namespace flowrun::cli {
namespace {

struct PluginsOptions {
  bool json = false;
  std::string workflow_dir;
};

std::string env_or_empty(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

nlohmann::json list_plugins(const PluginsOptions& options) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& plugin : builtin_plugins()) {
    list.push_back({{"name", plugin.name},
                    {"kind", "built-in"},
                    {"description", plugin.description},
                    {"location", "built-in"},
                    {"schema", plugin.schema}});
  }
  PluginCheckOptions check = plugin_check_options();
  check.search.workflow_dir = options.workflow_dir;
  for (const auto& found : discover_plugins(check.search)) {
    if (find_builtin_plugin(found.name)) continue;  // a built-in one always wins
    PluginDescription description = describe_plugin(found.path, check.environment);
    nlohmann::json entry = {{"name", found.name},
                            {"kind", "external"},
                            {"description", description.description},
                            {"location", found.path},
                            {"found_in", found.source}};
    entry["schema"] = description.error.empty() ? description.schema : nlohmann::json();
    if (!description.error.empty()) entry["error"] = description.error;
    list.push_back(std::move(entry));
  }
  return list;
}

int run_plugins(const PluginsOptions& options) {
  nlohmann::json list = list_plugins(options);
  if (options.json) {
    write(stdout, list.dump(2) + "\n");
    return 0;
  }
  std::size_t width = 4;
  for (const auto& plugin : list) width = std::max(width, plugin["name"].get<std::string>().size());
  write(stdout, fmt::format("{:<{}}  {:<9}  {}\n", "NAME", width, "KIND", "DESCRIPTION"));
  for (const auto& plugin : list) {
    std::string description = plugin["description"].get<std::string>();
    if (plugin.contains("error")) description = "(" + plugin["error"].get<std::string>() + ")";
    std::string line = fmt::format("{:<{}}  {:<9}  {}", plugin["name"].get<std::string>(), width,
                                   plugin["kind"].get<std::string>(), description);
    if (plugin["kind"] == "external")
      line += "\n" + std::string(width + 13, ' ') + plugin["location"].get<std::string>();
    write(stdout, line + "\n");
  }
  return 0;
}

}  // namespace

PluginCheckOptions plugin_check_options() {
  PluginCheckOptions options;
  options.search.plugin_path = env_or_empty("FLOWRUN_PLUGIN_PATH");
  options.search.path = env_or_empty("PATH");
  options.environment = current_environment();
  return options;
}

void add_plugins_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<PluginsOptions>();
  CLI::App* command = app.add_subcommand(
      "plugins", "List built-in plugins and external ones found on the plugin search path");
  command->add_flag("--json", options->json, "Print a JSON array");
  command->add_option("--dir", options->workflow_dir,
                      "Also look in DIR/plugins (the folder of a workflow file)");
  command->callback([options, &exit_code] { exit_code = run_plugins(*options); });
}

}  // namespace flowrun::cli
