#pragma once

#include <string>
#include <vector>

#include "core/exec/plugin_discovery.hpp"
#include "core/validate/diagnostics.hpp"
#include "core/validate/load_definition.hpp"

namespace flowrun {

/// Where plugins are looked for and the environment `--describe` runs with.
struct PluginCheckOptions {
  PluginSearch search;  ///< `workflow_dir` is filled per file
  std::vector<std::string> environment;
};

/// Checks the `with:` of every `uses:` step of a native workflow against its plugin's JSON
/// Schema (a built-in one's, or what `flowrun-plugin-NAME --describe` prints): unknown,
/// missing and mistyped keys are errors at their positions. A plugin that cannot be found
/// or described is a warning. Values holding `${{ }}` are only known at run time and pass.
void check_plugin_uses(const Definition& definition, const PluginCheckOptions& options,
                       Diagnostics& diagnostics);

}  // namespace flowrun
