#pragma once

#include <nlohmann/json.hpp>

namespace flowrun {

/// JSON Schema (draft 2020-12) of the native workflow format, for editors' YAML language
/// servers. It describes the shape only; `flowrun validate` checks much more.
nlohmann::json workflow_json_schema();

}  // namespace flowrun
