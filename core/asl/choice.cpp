#include <algorithm>
#include <cstdint>
#include <string_view>

#include "core/asl/choice_compiled.hpp"
#include "core/asl/choice_rules.hpp"
#include "core/asl/data_flow.hpp"

// The comparisons of Choice rules, and the JSON forms of Choice evaluation for callers that
// hold a definition rather than a loaded machine: those compile the rules on the fly, so
// there is one evaluator (choice_compiled.cpp).

namespace flowrun::asl {
namespace {

using nlohmann::json;

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

}  // namespace

ChoiceOperand prepare_operand(const ChoiceOperator& op, const json& value) {
  ChoiceOperand operand;
  if (!value.is_string()) return operand;
  const auto& text = value.get_ref<const std::string&>();
  if (op.family == Family::Timestamp) operand.timestamp = parse_timestamp(text);
  if (op.family == Family::Matches) operand.pattern.emplace(text);
  return operand;
}

// The spec's comparisons never raise on data: a mismatch of types is false.
bool compare(const ChoiceOperator& op, const json& variable, const json& value,
             const ChoiceOperand& operand) {
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
      if (!variable.is_string() || !operand.timestamp) return false;
      auto instant = parse_timestamp(variable.get_ref<const std::string&>());
      if (!instant) return false;
      const Timestamp& other = *operand.timestamp;
      return holds(op.comparison, *instant < other ? -1 : (other < *instant ? 1 : 0));
    }
    case Family::Matches:
      return variable.is_string() && operand.pattern &&
             operand.pattern->matches(variable.get_ref<const std::string&>());
    default:
      return false;
  }
}

bool test_type(Family family, const json& variable) {
  switch (family) {
    case Family::IsNull:
      return variable.is_null();
    case Family::IsNumeric:
      return variable.is_number();
    case Family::IsString:
      return variable.is_string();
    case Family::IsBoolean:
      return variable.is_boolean();
    case Family::IsTimestamp:
      return variable.is_string() &&
             parse_timestamp(variable.get_ref<const std::string&>()).has_value();
    default:
      return false;
  }
}

bool evaluate_choice_rule(const nlohmann::json& rule, const nlohmann::json& input,
                          const ContextObject& context) {
  return evaluate_compiled_rule(compile_choice_rule(rule), input, context);
}

const nlohmann::json* choose_rule(const nlohmann::json& state, const nlohmann::json& input,
                                  const ContextObject& context) {
  return ChoiceProgram(state).choose(input, context);
}

std::string choose_next(const nlohmann::json& state, const nlohmann::json& input,
                        const ContextObject& context) {
  const nlohmann::json* rule = choose_rule(state, input, context);
  if (!rule) return state["Default"].get<std::string>();
  auto next = rule->find("Next");
  if (next == rule->end() || !next->is_string()) {
    throw AslError("States.Runtime", "a Choice rule needs a string 'Next'");
  }
  return next->get<std::string>();
}

}  // namespace flowrun::asl
