#pragma once

#include <string>

#include "core/jsonata/value.hpp"

// How JSONata turns values into text ($string, `&`): strings as they are, numbers rounded to
// 15 significant digits in JavaScript's shortest form, other values as JSON (functions "").

namespace flowrun::jsonata {

/// JavaScript's Number(n.toPrecision(15)).toString().
std::string format_number(double number);
/// JSON text of a value, JSON.stringify-like (`pretty`: two-space indent).
std::string stringify(const Value& value, bool pretty = false);
/// $string: undefined stays undefined (std::nullopt is not used: callers check first).
std::string to_text(const Value& value, bool pretty = false);

}  // namespace flowrun::jsonata
