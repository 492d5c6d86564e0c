#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace flowrun {

/// Appends the same text as `value.dump(-1, ' ', false, error_handler_t::replace)` to `out`,
/// byte for byte, without nlohmann's per-dump localeconv() call and per-character virtual
/// writes; floats and non-ASCII strings are still written by nlohmann. Never throws on
/// invalid UTF-8 (it is replaced by U+FFFD, as nlohmann does).
void append_compact_json(std::string& out, const nlohmann::json& value);
/// The text `append_compact_json` appends, as a new string.
std::string compact_json(const nlohmann::json& value);

}  // namespace flowrun
