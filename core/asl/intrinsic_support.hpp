#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

// Shared by the intrinsic function implementations: argument checks that throw
// States.IntrinsicFailure, and the function groups that live in their own files.

namespace flowrun::asl::intrinsic {

[[noreturn]] void fail(const std::string& cause);

/// "a string", "an array" ... for messages.
std::string describe(const nlohmann::json& value);

/// The string `value`, or fails naming `function` and the 1-based `position`.
const std::string& require_string(const nlohmann::json& value, std::string_view function,
                                  std::size_t position);
/// The integer `value` (an integral number such as 2 or 2.0), or fails.
std::int64_t require_integer(const nlohmann::json& value, std::string_view function,
                             std::size_t position);
/// The number `value` rounded to the nearest integer (halves up, as Java's Math.round), or
/// fails when it is not a number. The developer guide rounds the integer arguments of
/// ArrayPartition, ArrayRange, MathRandom and MathAdd instead of refusing them.
std::int64_t round_to_integer(const nlohmann::json& value, std::string_view function,
                              std::size_t position);

nlohmann::json base64_encode(std::vector<nlohmann::json>& args);
nlohmann::json base64_decode(std::vector<nlohmann::json>& args);
nlohmann::json hash(std::vector<nlohmann::json>& args);
/// ArrayPartition, ArrayContains, ArrayRange, ArrayGetItem, ArrayLength, ArrayUnique.
nlohmann::json call_array_function(std::string_view name, std::vector<nlohmann::json>& args);

}  // namespace flowrun::asl::intrinsic
