#pragma once

#include <CLI/CLI.hpp>

namespace flowrun::cli {

/// Registers `graph FILE [--format text|ascii|dot|mermaid|json]`.
void add_graph_command(CLI::App& app, int& exit_code);

}  // namespace flowrun::cli
