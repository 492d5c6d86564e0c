#pragma once

#include <string>
#include <vector>

namespace flowrun::cli {

/// The state directory of DESIGN.md: `option` when not empty, else $FLOWRUN_HOME, else
/// $XDG_STATE_HOME/flowrun, else ~/.local/state/flowrun. Throws flowrun::Error when no home
/// folder can be found.
std::string resolve_state_dir(const std::string& option);

/// The argv prefix that runs a workflow file as a child run of this flowrun (`type: workflow`
/// steps): this very binary, `run`, and the same history settings.
std::vector<std::string> child_run_command(const std::string& state_dir, bool no_history);

/// ` --state-dir DIR` for commands printed for the user to type when `option` was given
/// (absolute, so they work from any folder), else "": the environment finds the same one.
std::string state_dir_option(const std::string& option);

/// This process's environment as `NAME=value` strings (what steps inherit).
std::vector<std::string> current_environment();

}  // namespace flowrun::cli
