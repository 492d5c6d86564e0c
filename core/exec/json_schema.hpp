#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace flowrun {

/// Checks `value` against the subset of JSON Schema flowrun understands (`type`,
/// `properties`, `required`, `additionalProperties: false`, `enum`, `items`, `minimum`,
/// `maximum`). Returns the first problem as `$.path: message`, or "" when it conforms.
std::string check_json_schema(const nlohmann::json& value, const nlohmann::json& schema);

}  // namespace flowrun
