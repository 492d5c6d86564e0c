#pragma once

#include <string>

#include "core/jsonata/builtins.hpp"

// $formatInteger and $parseInteger (XPath F&O 4.6 integer pictures as jsonata-js supports
// them): decimal digit patterns with grouping (`000`, `#,##0`), `;o` ordinals, Roman
// numerals (`I`, `i`), letters (`A`, `a`) and English words (`w`, `W`, `Ww`).

namespace flowrun::jsonata {

void add_integer_format_functions(BuiltinTable& table);

/// "st", "nd", "rd" or "th" for `n` in English.
std::string ordinal_suffix(long long n);

}  // namespace flowrun::jsonata
