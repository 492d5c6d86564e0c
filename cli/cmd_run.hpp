#pragma once

#include <CLI/CLI.hpp>

namespace flowrun::cli {

/// Registers `run FILE` (-p/--param, -j/--jobs, --json, --output, --dry-run, --state-dir,
/// --stream, --if-running, --no-history); the exit code of DESIGN.md goes to `exit_code`.
void add_run_command(CLI::App& app, int& exit_code);

}  // namespace flowrun::cli
