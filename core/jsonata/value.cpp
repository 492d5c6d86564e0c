#include "core/jsonata/value.hpp"

#include <cmath>

#include "core/jsonata/function.hpp"

namespace flowrun::jsonata {

Value Value::own(json value) {
  auto owner = std::make_shared<const json>(std::move(value));
  const json* pointer = owner.get();
  return Value(pointer, std::move(owner));
}

Value Value::number(double value) { return own(make_number(value)); }

Value Value::boolean(bool value) {
  static const json kTrue = true;
  static const json kFalse = false;
  return borrow(value ? kTrue : kFalse);
}

Value Value::function(std::shared_ptr<const Function> function) {
  Value result;
  result.kind_ = Kind::Function;
  result.function_ = std::move(function);
  return result;
}

Value Value::sequence(std::shared_ptr<Sequence> sequence) {
  Value result;
  result.kind_ = Kind::Sequence;
  result.sequence_ = std::move(sequence);
  return result;
}

std::shared_ptr<Sequence> make_sequence() { return std::make_shared<Sequence>(); }

std::shared_ptr<Sequence> make_array() {
  auto array = std::make_shared<Sequence>();
  array->is_sequence = false;
  return array;
}

std::size_t array_size(const Value& value) {
  if (value.is_sequence()) return value.sequence().items.size();
  if (value.is_json() && value.data().is_array()) return value.data().size();
  return 0;
}

Value array_item(const Value& value, std::size_t index) {
  if (value.is_sequence()) return value.sequence().items[index];
  const json& item = value.data()[index];
  return value.owner() ? Value::borrow(item, value.owner()) : Value::borrow(item);
}

std::vector<Value> to_items(const Value& value) {
  if (value.is_sequence()) return value.sequence().items;
  std::vector<Value> items;
  if (value.is_json() && value.data().is_array()) {
    items.reserve(value.data().size());
    for (std::size_t i = 0; i < value.data().size(); ++i) items.push_back(array_item(value, i));
  } else if (!value.is_undefined()) {
    items.push_back(value);
  }
  return items;
}

json make_number(double value) {
  constexpr double kMaxExact = 9007199254740992.0;  // 2^53
  if (std::isfinite(value) && value == std::floor(value) && std::fabs(value) <= kMaxExact) {
    return json(static_cast<std::int64_t>(value));
  }
  return json(value);
}

std::optional<json> to_json(const Value& value) {
  switch (value.kind()) {
    case Value::Kind::Undefined:
    case Value::Kind::Function:
      return std::nullopt;
    case Value::Kind::Json:
      return value.data();
    case Value::Kind::Sequence: {
      json array = json::array();
      for (const Value& item : value.sequence().items) {
        std::optional<json> converted = to_json(item);
        // JSON.stringify writes a function inside an array as null.
        if (item.is_function()) converted = json();
        if (converted) array.push_back(std::move(*converted));
      }
      return array;
    }
  }
  return std::nullopt;
}

namespace {

bool json_truthy(const json& value) {
  switch (value.type()) {
    case json::value_t::null:
      return false;
    case json::value_t::boolean:
      return value.get<bool>();
    case json::value_t::string:
      return !value.get_ref<const std::string&>().empty();
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float:
      return value.get<double>() != 0;
    case json::value_t::array:
      for (const json& item : value) {
        if (json_truthy(item)) return true;
      }
      return false;
    case json::value_t::object:
      return !value.empty();
    default:
      return false;
  }
}

}  // namespace

std::optional<bool> to_boolean(const Value& value) {
  switch (value.kind()) {
    case Value::Kind::Undefined:
      return std::nullopt;
    case Value::Kind::Function:
      return false;
    case Value::Kind::Json:
      return json_truthy(value.data());
    case Value::Kind::Sequence: {
      const auto& items = value.sequence().items;
      if (items.size() == 1) return to_boolean(items[0]);
      for (const Value& item : items) {
        if (to_boolean(item).value_or(false)) return true;
      }
      return false;
    }
  }
  return false;
}

bool deep_equal(const json& left, const json& right) {
  if (left.is_number() && right.is_number()) return left.get<double>() == right.get<double>();
  if (left.type() != right.type()) return false;
  if (left.is_array()) {
    if (left.size() != right.size()) return false;
    for (std::size_t i = 0; i < left.size(); ++i) {
      if (!deep_equal(left[i], right[i])) return false;
    }
    return true;
  }
  if (left.is_object()) {
    if (left.size() != right.size()) return false;
    for (auto it = left.begin(); it != left.end(); ++it) {
      auto other = right.find(it.key());
      if (other == right.end() || !deep_equal(it.value(), *other)) return false;
    }
    return true;
  }
  return left == right;
}

bool deep_equal(const Value& left, const Value& right) {
  if (left.is_undefined() || right.is_undefined()) return false;
  if (left.is_json() && right.is_json()) return deep_equal(left.data(), right.data());
  if (left.is_function() || right.is_function()) {
    return left.is_function() && right.is_function() && left.function_ptr() == right.function_ptr();
  }
  if (!left.is_array() || !right.is_array()) return false;
  std::size_t size = array_size(left);
  if (size != array_size(right)) return false;
  for (std::size_t i = 0; i < size; ++i) {
    if (!deep_equal(array_item(left, i), array_item(right, i))) return false;
  }
  return true;
}

std::string type_name(const Value& value) {
  switch (signature_symbol(value)) {
    case 'n':
      return "number";
    case 's':
      return "string";
    case 'b':
      return "boolean";
    case 'l':
      return "null";
    case 'a':
      return "array";
    case 'o':
      return "object";
    case 'f':
      return "function";
    default:
      return "undefined";
  }
}

char signature_symbol(const Value& value) {
  switch (value.kind()) {
    case Value::Kind::Undefined:
      return 'm';
    case Value::Kind::Function:
      return 'f';
    case Value::Kind::Sequence:
      return 'a';
    case Value::Kind::Json:
      break;
  }
  const json& data = value.data();
  if (data.is_number()) return 'n';
  if (data.is_string()) return 's';
  if (data.is_boolean()) return 'b';
  if (data.is_null()) return 'l';
  if (data.is_array()) return 'a';
  return 'o';
}

Value normalize(Value value) {
  if (!value.is_sequence()) return value;
  Sequence& sequence = value.sequence();
  if (!sequence.is_sequence || sequence.tuple_stream) return value;
  if (sequence.items.empty()) return Value();
  if (sequence.items.size() == 1 && !sequence.keep_singleton) return sequence.items[0];
  return value;
}

}  // namespace flowrun::jsonata
