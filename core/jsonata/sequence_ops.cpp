#include "core/jsonata/sequence_ops.hpp"

namespace flowrun::jsonata {
namespace {

void lookup_into(const Value& input, std::string_view name, std::vector<Value>& out) {
  if (input.is_array()) {
    std::size_t size = array_size(input);
    for (std::size_t i = 0; i < size; ++i) {
      Value found = lookup_field(array_item(input, i), name);
      if (found.is_undefined()) continue;
      if (found.is_array()) {
        std::size_t count = array_size(found);
        for (std::size_t k = 0; k < count; ++k) out.push_back(array_item(found, k));
      } else {
        out.push_back(std::move(found));
      }
    }
  }
}

void flatten_into(const Value& value, std::vector<Value>& out) {
  if (value.is_array()) {
    std::size_t size = array_size(value);
    for (std::size_t i = 0; i < size; ++i) flatten_into(array_item(value, i), out);
  } else {
    out.push_back(value);
  }
}

void descendants_into(const Value& value, std::vector<Value>& out) {
  if (value.is_array()) {
    std::size_t size = array_size(value);
    for (std::size_t i = 0; i < size; ++i) descendants_into(array_item(value, i), out);
    return;
  }
  out.push_back(value);
  if (value.is_object()) {
    for (const json& member : value.data()) descendants_into(child_of(value, member), out);
  }
}

}  // namespace

Value child_of(const Value& parent, const json& member) {
  return parent.owner() ? Value::borrow(member, parent.owner()) : Value::borrow(member);
}

Value make_sequence_value(std::vector<Value> items) {
  auto sequence = make_sequence();
  sequence->items = std::move(items);
  return Value::sequence(std::move(sequence));
}

Value lookup_field(const Value& input, std::string_view name) {
  if (input.is_object()) {
    const json& object = input.data();
    auto found = object.find(name);
    if (found == object.end()) return Value();
    return child_of(input, *found);
  }
  if (!input.is_array()) return Value();
  std::vector<Value> out;
  lookup_into(input, name, out);
  return make_sequence_value(std::move(out));
}

Value evaluate_wildcard(const Value& input) {
  Value subject = input;
  if (input.is_sequence() && input.sequence().outer_wrapper && !input.sequence().items.empty()) {
    subject = input.sequence().items[0];
  }
  std::vector<Value> out;
  if (subject.is_object()) {
    for (const json& member : subject.data()) flatten_into(child_of(subject, member), out);
  } else if (subject.is_array()) {
    flatten_into(subject, out);
  }
  return make_sequence_value(std::move(out));
}

Value evaluate_descendants(const Value& input) {
  if (input.is_undefined()) return Value();
  std::vector<Value> out;
  descendants_into(input, out);
  if (out.size() == 1) return out[0];
  return make_sequence_value(std::move(out));
}

Value append_values(const Value& left, const Value& right) {
  if (left.is_undefined()) return right;
  if (right.is_undefined()) return left;
  std::vector<Value> items = to_items(left);
  std::vector<Value> more = to_items(right);
  items.insert(items.end(), more.begin(), more.end());
  auto array = make_array();
  array->items = std::move(items);
  return Value::sequence(std::move(array));
}

std::vector<Value> group_items(const Value& value) {
  std::vector<Value> items;
  if (value.is_array()) {
    items = to_items(value);
  } else {
    items.push_back(value);
  }
  if (items.empty()) items.emplace_back();
  return items;
}

json to_json_or_null(const Value& value) {
  std::optional<json> converted = to_json(value);
  return converted ? std::move(*converted) : json();
}

}  // namespace flowrun::jsonata
