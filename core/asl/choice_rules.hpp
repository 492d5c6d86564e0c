#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

#include "core/asl/data_flow.hpp"

// The comparison operators of Choice rules, shared by evaluation and validation.

namespace flowrun::asl {

enum class Family {
  String,
  Numeric,
  Boolean,
  Timestamp,
  Matches,
  IsNull,
  IsPresent,
  IsNumeric,
  IsString,
  IsBoolean,
  IsTimestamp
};
enum class Comparison { Equals, LessThan, GreaterThan, LessThanEquals, GreaterThanEquals };

/// A comparison operator such as `NumericLessThanEqualsPath`, taken apart.
struct ChoiceOperator {
  Family family = Family::String;
  Comparison comparison = Comparison::Equals;
  bool is_path = false;  ///< the `...Path` variant: the operand is a path to compare against

  bool is_type_test() const { return family >= Family::IsNull; }
};

/// The operator named `key`, or nullopt when `key` is not a comparison operator.
std::optional<ChoiceOperator> parse_choice_operator(std::string_view key);
inline bool is_choice_operator(std::string_view key) {
  return parse_choice_operator(key).has_value();
}

/// StringMatches: `*` matches any run of characters, `\*` a star, `\\` a backslash; any
/// other backslash throws AslError States.Runtime (an open escape, as the specification says).
bool string_matches(std::string_view text, std::string_view pattern);

/// Evaluates one Choice rule (with And/Or/Not) against the effective input.
bool evaluate_choice_rule(const nlohmann::json& rule, const nlohmann::json& input,
                          const ContextObject& context);

}  // namespace flowrun::asl
