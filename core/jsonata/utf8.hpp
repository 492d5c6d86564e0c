#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/util/text.hpp"

// JSONata counts characters as Unicode code points (jsonata-js iterates strings with
// for..of); flowrun keeps strings as UTF-8, so these helpers do the counting.

namespace flowrun::jsonata {

/// Appends the UTF-8 encoding of `code_point` (core/util/text.cpp).
using ::flowrun::append_utf8;
/// The code points of `text` (bytes that are not valid UTF-8 count as one each).
std::vector<std::uint32_t> decode_utf8(std::string_view text);
/// The number of code points.
std::size_t count_code_points(std::string_view text);
/// The byte offset of code point `index` (text.size() when past the end).
std::size_t byte_offset(std::string_view text, std::size_t index);
/// Byte length of the UTF-8 sequence starting with `lead`.
std::size_t sequence_length(unsigned char lead);

}  // namespace flowrun::jsonata
