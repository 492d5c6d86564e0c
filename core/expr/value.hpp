#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace flowrun::expr {

/// The data of expressions. Objects keep their keys in insertion order, as GitHub's do.
using Value = nlohmann::ordered_json;

/// The six kinds GitHub's evaluator distinguishes.
enum class Kind { Null, Boolean, Number, String, Array, Object };
Kind kind_of(const Value& value);
/// "Null", "Boolean", "Number", "String", "Array", "Object" (what a container becomes as a string).
std::string_view kind_name(Kind kind);
/// True for null, booleans, numbers and strings.
bool is_primitive(const Value& value);

/// A number as a Value: integral values within 2^53 are stored as integers so that they
/// print without a fraction; -0 becomes 0.
Value make_number(double number);

/// JavaScript's `Number(text)`: trims white space; "" is 0; decimal with exponent, `0x`, `0o`,
/// `0b` prefixes, `Infinity` with an optional sign; anything else is NaN.
double parse_number(std::string_view text);
/// GitHub's number coercion: null 0, false 0, true 1, strings by parse_number, containers NaN.
double to_number(const Value& value);

/// JavaScript's shortest round-trip form of a number (`1e+21`, `1e-7`, `Infinity`, `NaN`).
std::string format_js_number(double number);
/// How GitHub turns a number into a string: rounded to 15 decimals, then the shortest form.
std::string format_number(double number);
/// How GitHub turns any value into a string: null "", booleans "true"/"false", numbers by
/// format_number, containers "Array"/"Object".
std::string to_string(const Value& value);

/// False for null, false, 0, -0, NaN and ''; true otherwise.
bool is_truthy(const Value& value);

/// GitHub's loose equality. `same_container` tells whether two containers are the same
/// object: arrays and objects are equal only to themselves.
bool loose_equals(const Value& left, const Value& right, bool same_container = false);
/// GitHub's `<` and `>`: numbers after coercion, strings case-insensitively, booleans.
bool loose_less(const Value& left, const Value& right);
bool loose_greater(const Value& left, const Value& right);

/// Upper-cases UTF-8 text as GitHub compares strings (leaving the dotless i alone).
std::string fold_upper(std::string_view text);
/// Lower-cases UTF-8 text (for contains()).
std::string fold_lower(std::string_view text);
/// Case-insensitive equality of two names (context, property and function names).
bool equals_ignore_case(std::string_view a, std::string_view b);

/// The member of `object` named `key` case-insensitively (the first such), or nullptr.
const Value* find_member(const Value& object, std::string_view key);

/// Converts between the run's JSON values and expression values (keys keep their order).
Value to_value(const nlohmann::json& json);
nlohmann::json to_plain_json(const Value& value);

/// JSON text as JavaScript's `JSON.stringify(value, null, 2)` writes it (toJSON()).
std::string to_json_text(const Value& value);

}  // namespace flowrun::expr
