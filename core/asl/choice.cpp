#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <string_view>

#include "core/asl/choice_rules.hpp"
#include "core/asl/data_flow.hpp"
#include "core/asl/jsonpath.hpp"
#include "core/asl/timestamp.hpp"

namespace flowrun::asl {
namespace {

using nlohmann::json;

constexpr const char* kRuntime = "States.Runtime";
// Choice rules come from the definition, but guard the recursion all the same.
constexpr int kMaxRuleDepth = 256;

// -1, 0, 1; exact for two integers, as doubles otherwise.
int compare_numbers(const json& a, const json& b) {
  if (a.is_number_integer() && b.is_number_integer()) {
    if (a.is_number_unsigned() || b.is_number_unsigned()) {
      // Only one side can exceed INT64_MAX; compare as long double to stay ordered.
      long double x = a.get<long double>(), y = b.get<long double>();
      return x < y ? -1 : (x > y ? 1 : 0);
    }
    auto x = a.get<std::int64_t>(), y = b.get<std::int64_t>();
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  double x = a.get<double>(), y = b.get<double>();
  return x < y ? -1 : (x > y ? 1 : 0);
}

// -1, 0, 1 in the order of Java's String.compareTo, which the developer guide names for
// string comparisons: by UTF-16 code units. That is the UTF-8 byte order except where a
// character above U+FFFF (a surrogate pair, 0xD800-0xDBFF first) meets one of U+E000-U+FFFF:
// in UTF-16 the former sorts first, in UTF-8 (lead byte 0xF0-0xF4 against 0xEE-0xEF) last.
int compare_strings(std::string_view a, std::string_view b) {
  auto [in_a, in_b] = std::mismatch(a.begin(), a.end(), b.begin(), b.end());
  if (in_a == a.end() || in_b == b.end()) {
    return in_a != a.end() ? 1 : (in_b != b.end() ? -1 : 0);
  }
  std::size_t start = static_cast<std::size_t>(in_a - a.begin());
  while (start > 0 && (static_cast<unsigned char>(a[start]) & 0xC0) == 0x80) --start;
  auto lead_a = static_cast<unsigned char>(a[start]);
  auto lead_b = static_cast<unsigned char>(b[start]);
  auto is_upper_bmp = [](unsigned char lead) { return lead == 0xEE || lead == 0xEF; };
  if (lead_a >= 0xF0 && is_upper_bmp(lead_b)) return -1;
  if (lead_b >= 0xF0 && is_upper_bmp(lead_a)) return 1;
  return static_cast<unsigned char>(*in_a) < static_cast<unsigned char>(*in_b) ? -1 : 1;
}

bool holds(Comparison comparison, int order) {
  switch (comparison) {
    case Comparison::Equals:
      return order == 0;
    case Comparison::LessThan:
      return order < 0;
    case Comparison::GreaterThan:
      return order > 0;
    case Comparison::LessThanEquals:
      return order <= 0;
    case Comparison::GreaterThanEquals:
      return order >= 0;
  }
  return false;
}

// A mismatch of types is simply false: the spec's comparisons never raise on data.
bool compare(const ChoiceOperator& op, const json& variable, const json& value) {
  switch (op.family) {
    case Family::String:
      if (!variable.is_string() || !value.is_string()) return false;
      return holds(op.comparison, compare_strings(variable.get_ref<const std::string&>(),
                                                  value.get_ref<const std::string&>()));
    case Family::Numeric:
      if (!variable.is_number() || !value.is_number()) return false;
      return holds(op.comparison, compare_numbers(variable, value));
    case Family::Boolean:
      return variable.is_boolean() && value.is_boolean() && variable == value;
    case Family::Timestamp: {
      if (!variable.is_string() || !value.is_string()) return false;
      auto a = parse_timestamp(variable.get_ref<const std::string&>());
      auto b = parse_timestamp(value.get_ref<const std::string&>());
      if (!a || !b) return false;
      return holds(op.comparison, *a < *b ? -1 : (*b < *a ? 1 : 0));
    }
    case Family::Matches:
      return variable.is_string() && value.is_string() &&
             string_matches(variable.get_ref<const std::string&>(),
                            value.get_ref<const std::string&>());
    default:
      return false;
  }
}

bool test_type(Family family, const json* variable) {
  switch (family) {
    case Family::IsNull:
      return variable->is_null();
    case Family::IsNumeric:
      return variable->is_number();
    case Family::IsString:
      return variable->is_string();
    case Family::IsBoolean:
      return variable->is_boolean();
    case Family::IsTimestamp:
      return variable->is_string() &&
             parse_timestamp(variable->get_ref<const std::string&>()).has_value();
    default:
      return false;
  }
}

std::string_view string_field(const json& rule, const char* key) {
  auto it = rule.find(key);
  if (it == rule.end() || !it->is_string()) {
    throw AslError(kRuntime, fmt::format("a Choice rule needs a string '{}'", key));
  }
  return it->get_ref<const std::string&>();
}

bool evaluate_rule(const json& rule, const json& input, const ContextObject& context, int depth);

bool evaluate_list(const json& list, bool is_and, const json& input, const ContextObject& context,
                   int depth) {
  if (!list.is_array() || list.empty()) {
    throw AslError(kRuntime,
                   fmt::format("'{}' needs a non-empty array of rules", is_and ? "And" : "Or"));
  }
  for (const json& rule : list) {
    if (evaluate_rule(rule, input, context, depth + 1) != is_and) return !is_and;
  }
  return is_and;
}

// `op` is the operator `key` names (the caller parsed it to find the key).
bool evaluate_comparison(const json& rule, const ChoiceOperator& op, const std::string& key,
                         const json& operand, const json& input, const ContextObject& context) {
  std::string_view variable_path = string_field(rule, "Variable");
  std::shared_ptr<const JsonPath> path;
  try {
    path = compile_path(variable_path);
  } catch (const PathSyntaxError& error) {
    throw AslError(kRuntime,
                   fmt::format("invalid Variable path '{}': {}", variable_path, error.what()));
  }
  const json* root = path->root(input, context);
  const json* variable = path->is_definite() && root ? path->find(*root) : nullptr;
  json many;
  if (!path->is_definite() && root) {
    many = select_path(input, variable_path, context, kRuntime);
    variable = &many;
  }
  if (op.family == Family::IsPresent) {
    if (!operand.is_boolean()) throw AslError(kRuntime, "IsPresent needs true or false");
    // An indefinite path is present when it matches at least one node.
    bool present = path->is_definite() ? variable != nullptr : !many.empty();
    return present == operand.get<bool>();
  }
  if (!variable) {
    throw AslError(kRuntime,
                   fmt::format("Invalid path '{}': the Choice rule's Variable does not match "
                               "anything in the input",
                               variable_path));
  }
  if (op.is_type_test()) {
    if (!operand.is_boolean()) throw AslError(kRuntime, fmt::format("{} needs true or false", key));
    return test_type(op.family, variable) == operand.get<bool>();
  }
  if (!op.is_path) return compare(op, *variable, operand);
  if (!operand.is_string()) throw AslError(kRuntime, fmt::format("{} needs a path", key));
  json other = select_path(input, operand.get_ref<const std::string&>(), context, kRuntime);
  return compare(op, *variable, other);
}

bool evaluate_rule(const json& rule, const json& input, const ContextObject& context, int depth) {
  if (depth > kMaxRuleDepth) throw AslError(kRuntime, "Choice rules are nested too deeply");
  if (!rule.is_object()) throw AslError(kRuntime, "a Choice rule must be an object");
  if (auto it = rule.find("And"); it != rule.end()) {
    return evaluate_list(*it, true, input, context, depth);
  }
  if (auto it = rule.find("Or"); it != rule.end()) {
    return evaluate_list(*it, false, input, context, depth);
  }
  if (auto it = rule.find("Not"); it != rule.end()) {
    return !evaluate_rule(*it, input, context, depth + 1);
  }
  for (auto it = rule.begin(); it != rule.end(); ++it) {
    if (std::optional<ChoiceOperator> op = parse_choice_operator(it.key())) {
      return evaluate_comparison(rule, *op, it.key(), *it, input, context);
    }
  }
  throw AslError(kRuntime, "a Choice rule has no comparison operator, And, Or or Not");
}

}  // namespace

bool string_matches(std::string_view text, std::string_view pattern) {
  // The specification: `\*` and `\\` are the only escapes; any other backslash is an open
  // escape and a runtime error.
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] != '\\') continue;
    if (i + 1 == pattern.size() || (pattern[i + 1] != '*' && pattern[i + 1] != '\\')) {
      throw AslError("States.Runtime",
                     fmt::format("StringMatches pattern '{}' has a backslash at offset {} that "
                                 "escapes neither '*' nor '\\'",
                                 pattern, i));
    }
    ++i;
  }
  // Iterative glob with backtracking to the last `*`: linear memory, no recursion.
  std::size_t t = 0, p = 0;
  std::size_t star_p = std::string_view::npos, star_t = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star_p = ++p;
      star_t = t;
      continue;
    }
    if (p < pattern.size()) {
      char literal = pattern[p];
      std::size_t width = 1;
      if (literal == '\\' && p + 1 < pattern.size()) {
        literal = pattern[p + 1];
        width = 2;
      }
      if (literal == text[t]) {
        p += width;
        ++t;
        continue;
      }
    }
    if (star_p == std::string_view::npos) return false;
    p = star_p;
    t = ++star_t;
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

bool evaluate_choice_rule(const json& rule, const json& input, const ContextObject& context) {
  return evaluate_rule(rule, input, context, 0);
}

const json* choose_rule(const json& state, const json& input, const ContextObject& context) {
  auto choices = state.find("Choices");
  if (choices != state.end() && choices->is_array()) {
    for (const json& rule : *choices) {
      if (evaluate_rule(rule, input, context, 0)) return &rule;
    }
  }
  if (auto it = state.find("Default"); it != state.end() && it->is_string()) return nullptr;
  throw AslError("States.NoChoiceMatched",
                 "no Choice rule matched the input and the state has no Default");
}

std::string choose_next(const json& state, const json& input, const ContextObject& context) {
  const json* rule = choose_rule(state, input, context);
  return rule ? std::string(string_field(*rule, "Next")) : state["Default"].get<std::string>();
}

}  // namespace flowrun::asl
