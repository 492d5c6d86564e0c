#pragma once

#include <string>
#include <vector>

namespace flowrun::cli {

/// The state directory of DESIGN.md: `option` when not empty, else $FLOWRUN_HOME, else
/// $XDG_STATE_HOME/flowrun, else ~/.local/state/flowrun. Throws flowrun::Error when no home
/// folder can be found.
std::string resolve_state_dir(const std::string& option);

/// This process's environment as `NAME=value` strings (what steps inherit).
std::vector<std::string> current_environment();

}  // namespace flowrun::cli
