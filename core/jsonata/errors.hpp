#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/jsonata/jsonata.hpp"

// JSONata's error catalog: each code has a message template whose {{token}} and {{value}}
// inserts are filled in as jsonata-js fills them (JSON text of the offending token or value).

namespace flowrun::jsonata {

/// What a message template may refer to. Unset (discarded) inserts print as `undefined`, like
/// jsonata-js.
struct ErrorInserts {
  nlohmann::json token = nlohmann::json(nlohmann::json::value_t::discarded);
  nlohmann::json value = nlohmann::json(nlohmann::json::value_t::discarded);
  nlohmann::json value2 = nlohmann::json(nlohmann::json::value_t::discarded);
  nlohmann::json index = nlohmann::json(nlohmann::json::value_t::discarded);
  nlohmann::json type = nlohmann::json(nlohmann::json::value_t::discarded);
};

/// The Error for `code` at `position` with its catalog message.
Error make_error(std::string_view code, std::size_t position, const ErrorInserts& inserts = {});
[[noreturn]] void throw_error(std::string_view code, std::size_t position,
                              const ErrorInserts& inserts = {});

}  // namespace flowrun::jsonata
