#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace flowrun {

/// Levenshtein distance between two strings (byte-wise).
std::size_t edit_distance(std::string_view a, std::string_view b);

/// The candidate closest to `word` when it is close enough to be a plausible typo.
std::optional<std::string> closest_match(std::string_view word,
                                         const std::vector<std::string>& candidates);

/// Offset of the first byte that is not valid UTF-8, or nullopt when all of `text` is valid.
std::optional<std::size_t> find_invalid_utf8(std::string_view text);
/// Appends the UTF-8 encoding of the code point `code` to `out`.
void append_utf8(std::string& out, char32_t code);

/// Joins items with a separator.
std::string join(const std::vector<std::string>& items, std::string_view separator);

/// True when `s` starts with / ends with the given text.
bool starts_with(std::string_view s, std::string_view prefix);
bool ends_with(std::string_view s, std::string_view suffix);

}  // namespace flowrun
