#pragma once

#include <string>

#include "core/jsonata/builtins.hpp"

// $formatInteger and $parseInteger (XPath F&O 4.6 integer pictures as jsonata-js supports
// them): decimal digit patterns with grouping (`000`, `#,##0`), `;o` ordinals, Roman
// numerals (`I`, `i`), letters (`A`, `a`) and English words (`w`, `W`, `Ww`).

namespace flowrun::jsonata {

void add_integer_format_functions(BuiltinTable& table);

/// True for the word pictures `w`, `W`, `Ww`.
bool is_words_picture(const std::string& primary);
/// `value` in English words, cased as `primary` says ("one hundred and first" for w;o).
std::string format_words(double value, bool ordinal, const std::string& primary);
/// "st", "nd", "rd" or "th" for `n` in English.
std::string ordinal_suffix(long long n);

}  // namespace flowrun::jsonata
