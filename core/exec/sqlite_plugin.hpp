#pragma once

#include <nlohmann/json.hpp>

#include "core/exec/builtin_plugins.hpp"

namespace flowrun {

/// Runs the built-in `sqlite` plugin at once: `db` (a file, created if missing), `sql` (one or
/// more statements) or `file` (a .sql file), named `params` (`:name`, `@name`, `$name`),
/// `max_rows` (default 1000) and `export: {format: csv|json, path}`. Outputs `rows` (the
/// rows of the last statement that returned any, capped at max_rows), `row_count`,
/// `truncated`, `columns`, `changes`, and `export` (the written file's path).
PluginResult run_sqlite_plugin(const nlohmann::json& with, const BuiltinContext& context);

/// The JSON Schema of the `sqlite` plugin's `with`.
nlohmann::json sqlite_plugin_schema();

}  // namespace flowrun
