#pragma once

#include <CLI/CLI.hpp>

namespace flowrun::cli {

/// Registers `task-success TOKEN --output JSON`, `task-failure TOKEN --error E [--cause C]`
/// and `task-heartbeat TOKEN`: answers to a `.waitForTaskToken` Task of a running ASL run.
void add_task_token_commands(CLI::App& app, int& exit_code);

}  // namespace flowrun::cli
