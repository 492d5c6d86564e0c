#pragma once

#include <CLI/CLI.hpp>

namespace flowrun::cli {

/// Registers `validate FILE... [--format text|json]`; its exit code goes to `exit_code`.
void add_validate_command(CLI::App& app, int& exit_code);

}  // namespace flowrun::cli
