#include <cmath>
#include <map>

#include "core/jsonata/errors.hpp"
#include "core/jsonata/evaluator.hpp"
#include "core/jsonata/sequence_ops.hpp"
#include "core/jsonata/stringify.hpp"

// Operators, array and object constructors (jsonata-js's evaluateBinary, evaluateUnary and
// evaluateGroupExpression).

namespace flowrun::jsonata {
namespace {

// The most items a range may allocate, as jsonata-js (1e7, although its message says 1e6).
constexpr double kMaxRange = 1e7;

ErrorInserts with_token(const std::string& op, json value = json(json::value_t::discarded)) {
  ErrorInserts inserts;
  inserts.token = op;
  inserts.value = std::move(value);
  return inserts;
}

json error_value(const Value& value) {
  std::optional<json> converted = to_json(value);
  return converted ? std::move(*converted) : json(json::value_t::discarded);
}

Value arithmetic(const Node& node, const Value& lhs, const Value& rhs) {
  const std::string& op = node.value;
  if (!lhs.is_undefined() && !lhs.is_number()) {
    throw_error("T2001", node.position, with_token(op, error_value(lhs)));
  }
  if (!rhs.is_undefined() && !rhs.is_number()) {
    throw_error("T2002", node.position, with_token(op, error_value(rhs)));
  }
  if (lhs.is_undefined() || rhs.is_undefined()) return Value();
  double a = lhs.as_number();
  double b = rhs.as_number();
  double result = 0;
  switch (op[0]) {
    case '+':
      result = a + b;
      break;
    case '-':
      result = a - b;
      break;
    case '*':
      result = a * b;
      break;
    case '/':
      result = a / b;
      break;
    default:
      result = std::fmod(a, b);
      break;
  }
  if (!std::isfinite(result)) throw_error("D1001", node.position, with_token(op, json()));
  return Value::number(result);
}

Value compare(const Node& node, const Value& lhs, const Value& rhs) {
  const std::string& op = node.value;
  auto comparable = [](const Value& v) {
    return v.is_undefined() || v.is_string() || v.is_number();
  };
  if (!comparable(lhs) || !comparable(rhs)) {
    const Value& bad = lhs.is_string() || lhs.is_number() ? rhs : lhs;
    throw_error("T2010", node.position, with_token(op, error_value(bad)));
  }
  if (lhs.is_undefined() || rhs.is_undefined()) return Value();
  if (lhs.is_number() != rhs.is_number()) {
    ErrorInserts inserts = with_token(op, lhs.data());
    inserts.value2 = rhs.data();
    throw_error("T2009", node.position, inserts);
  }
  int order = 0;
  if (lhs.is_number()) {
    double a = lhs.as_number();
    double b = rhs.as_number();
    order = a < b ? -1 : (a > b ? 1 : 0);
  } else {
    // JavaScript compares strings by UTF-16 code units; UTF-8 byte order agrees except for
    // characters beyond the Basic Multilingual Plane against U+E000..U+FFFF.
    int c = lhs.as_string().compare(rhs.as_string());
    order = c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  bool result = op == "<"    ? order < 0
                : op == "<=" ? order <= 0
                : op == ">"  ? order > 0
                             : order >= 0;
  return Value::boolean(result);
}

bool is_integer(const Value& v) {
  return v.is_number() && std::floor(v.as_number()) == v.as_number();
}

Value range(const Node& node, const Value& lhs, const Value& rhs) {
  if (!lhs.is_undefined() && !is_integer(lhs)) {
    throw_error("T2003", node.position, with_token("..", error_value(lhs)));
  }
  if (!rhs.is_undefined() && !is_integer(rhs)) {
    throw_error("T2004", node.position, with_token("..", error_value(rhs)));
  }
  if (lhs.is_undefined() || rhs.is_undefined()) return Value();
  double from = lhs.as_number();
  double to = rhs.as_number();
  if (from > to) return Value();
  double size = to - from + 1;
  if (size > kMaxRange) throw_error("D2014", node.position, with_token("..", size));
  std::vector<Value> items;
  items.reserve(static_cast<std::size_t>(size));
  for (double n = from; n <= to; ++n) items.push_back(Value::number(n));
  return make_sequence_value(std::move(items));
}

bool strictly_equal(const Value& a, const Value& b) {
  if (a.is_json() && b.is_json()) {
    const json& x = a.data();
    const json& y = b.data();
    if (x.is_structured() || y.is_structured()) return &x == &y;
    return deep_equal(x, y);
  }
  return a.is_function() && b.is_function() && a.function_ptr() == b.function_ptr();
}

Value includes(const Value& lhs, const Value& rhs) {
  if (lhs.is_undefined() || rhs.is_undefined()) return Value::boolean(false);
  for (const Value& item : to_items(rhs)) {
    if (strictly_equal(item, lhs)) return Value::boolean(true);
  }
  return Value::boolean(false);
}

}  // namespace

Value Evaluator::evaluate_binary(const Node& node, const Value& input, const FramePtr& frame) {
  Value lhs = evaluate(*node.lhs, input, frame);
  const std::string& op = node.value;
  if (op == "and" || op == "or") {
    bool left = to_boolean(lhs).value_or(false);
    if (op == "and" && !left) return Value::boolean(false);
    if (op == "or" && left) return Value::boolean(true);
    return Value::boolean(to_boolean(evaluate(*node.rhs, input, frame)).value_or(false));
  }
  Value rhs = evaluate(*node.rhs, input, frame);
  if (op == "+" || op == "-" || op == "*" || op == "/" || op == "%") {
    return arithmetic(node, lhs, rhs);
  }
  if (op == "=" || op == "!=") {
    if (lhs.is_undefined() || rhs.is_undefined()) return Value::boolean(false);
    return Value::boolean(deep_equal(lhs, rhs) == (op == "="));
  }
  if (op == "<" || op == "<=" || op == ">" || op == ">=") return compare(node, lhs, rhs);
  if (op == "&") {
    std::string text = lhs.is_undefined() ? std::string() : to_text(lhs);
    if (!rhs.is_undefined()) text += to_text(rhs);
    return Value::string(std::move(text));
  }
  if (op == "..") return range(node, lhs, rhs);
  if (op == "in") return includes(lhs, rhs);
  throw_error("S0201", node.position, {.token = op});
}

Value Evaluator::evaluate_negate(const Node& node, const Value& input, const FramePtr& frame) {
  Value value = evaluate(*node.lhs, input, frame);
  if (value.is_undefined()) return value;
  if (!value.is_number()) throw_error("D1002", node.position, with_token("-", error_value(value)));
  return Value::number(-value.as_number());
}

Value Evaluator::evaluate_array(const Node& node, const Value& input, const FramePtr& frame) {
  auto array = make_array();
  for (const NodePtr& item : node.items) {
    Value value = evaluate(*item, input, frame);
    if (value.is_undefined()) continue;
    if (item->type == NodeType::ArrayConstructor || !value.is_array()) {
      array->items.push_back(std::move(value));
    } else {
      std::size_t size = array_size(value);
      for (std::size_t k = 0; k < size; ++k) array->items.push_back(array_item(value, k));
    }
  }
  array->cons = node.cons_array;
  return Value::sequence(std::move(array));
}

Value Evaluator::evaluate_group(const std::vector<std::pair<NodePtr, NodePtr>>& pairs,
                                std::size_t position, const std::vector<Value>& input,
                                const FramePtr& frame) {
  struct Entry {
    Value data;
    std::size_t pair_index;
  };
  std::vector<std::pair<std::string, Entry>> groups;
  std::map<std::string, std::size_t, std::less<>> slots;
  for (const Value& item : input) {
    for (std::size_t p = 0; p < pairs.size(); ++p) {
      Value key = evaluate(*pairs[p].first, item, frame);
      if (key.is_undefined()) continue;
      if (!key.is_string()) throw_error("T1003", position, {.value = error_value(key)});
      const std::string& name = key.as_string();
      auto slot = slots.find(name);
      if (slot == slots.end()) {
        slots.emplace(name, groups.size());
        groups.push_back({name, Entry{item, p}});
        continue;
      }
      Entry& entry = groups[slot->second].second;
      if (entry.pair_index != p) throw_error("D1009", position, {.value = name});
      entry.data = append_values(entry.data, item);
    }
  }
  json object = json::object();
  for (auto& [name, entry] : groups) {
    Value value = evaluate(*pairs[entry.pair_index].second, entry.data, frame);
    std::optional<json> converted = to_json(value);
    if (converted) object[name] = std::move(*converted);
  }
  return Value::own(std::move(object));
}

}  // namespace flowrun::jsonata
