#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/jsonata/value.hpp"

// The sequence semantics of JSONata paths, as jsonata-js implements them: field lookup that
// maps over arrays and flattens, wildcards, descendants, and $append.

namespace flowrun::jsonata {

/// A member of `parent`, borrowed with the parent's owner.
Value child_of(const Value& parent, const json& member);
/// `input.name`: the field of an object; over an array, the fields of its items, flattened
/// one level; undefined otherwise.
Value lookup_field(const Value& input, std::string_view name);
/// `*`: the values of an object's fields, arrays among them flattened.
Value evaluate_wildcard(const Value& input);
/// `**`: the value and all its descendants (arrays are looked through).
Value evaluate_descendants(const Value& input);
/// $append: `left` then `right`, each an array's items or a single value.
Value append_values(const Value& left, const Value& right);
/// The items the object constructor and group-by iterate: an array's items, else the value
/// (undefined included, so that a literal object is built once).
std::vector<Value> group_items(const Value& value);
/// A sequence Value holding `items`.
Value make_sequence_value(std::vector<Value> items);
/// Plain JSON for a value that must be data (object values, function results).
json to_json_or_null(const Value& value);

}  // namespace flowrun::jsonata
