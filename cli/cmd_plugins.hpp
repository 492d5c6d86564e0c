#pragma once

#include <CLI/CLI.hpp>

#include "core/validate/plugin_checks.hpp"

namespace flowrun::cli {

/// Registers `plugins`: lists built-in and discovered plugins.
void add_plugins_command(CLI::App& app, int& exit_code);

/// The plugin search of this process ($FLOWRUN_PLUGIN_PATH, then PATH) and its environment.
PluginCheckOptions plugin_check_options();

}  // namespace flowrun::cli
