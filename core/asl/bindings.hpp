#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/load/node.hpp"
#include "core/validate/diagnostics.hpp"

namespace flowrun::asl {

/// What a bound Task runs: a shell script (`run`), an argv (`cmd`) or a plugin (`uses` with
/// `with`), with its environment.
struct TaskAction {
  std::string pattern;            ///< the resource as written: an exact ARN or a `*` pattern
  SourcePos pos;                  ///< the key in the bindings file
  std::string script;             ///< run: the script, for `/bin/sh -c`
  std::vector<std::string> argv;  ///< cmd: executed without a shell
  std::vector<std::pair<std::string, std::string>> env;
  std::string working_dir;  ///< empty: the bindings file's folder
  std::string shell;        ///< run: the shell command line; empty = /bin/sh -c
  std::string plugin;       ///< uses: a built-in or external plugin's name
  nlohmann::json with = nlohmann::json::object();  ///< uses: the plugin's fixed inputs
};

/// The `--resources` file: resource (ARN or `*` pattern) -> action, in file order.
struct Bindings {
  std::string file;
  std::string dir;  ///< the file's folder, default working directory of the actions
  std::vector<TaskAction> actions;

  /// The action for `resource`: an exact match first, else the first matching pattern in
  /// file order; nullptr when none matches. A `.waitForTaskToken` suffix is tried as
  /// written and without it.
  const TaskAction* find(std::string_view resource) const;
};

/// True when `text` matches `pattern`, where `*` stands for any run of characters.
bool matches_resource_pattern(std::string_view pattern, std::string_view text);

/// Reads bindings from the root of a loaded YAML/JSON file; every problem goes to
/// `diagnostics` (code `asl-bindings`), with the position of the offending node.
Bindings read_bindings(const std::string& file, const Node& root, Diagnostics& diagnostics);

}  // namespace flowrun::asl
