#pragma once

#include <CLI/CLI.hpp>

namespace flowrun::cli {

/// Registers `schema`: prints the JSON Schema of the native workflow format.
void add_schema_command(CLI::App& app, int& exit_code);

}  // namespace flowrun::cli
