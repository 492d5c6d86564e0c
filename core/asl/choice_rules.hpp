#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/asl/data_flow.hpp"
#include "core/asl/timestamp.hpp"

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

/// A StringMatches pattern taken apart once: the literal pieces between its unescaped stars,
/// escapes resolved. `*` matches any run of characters, `\*` a star, `\\` a backslash.
class MatchPattern {
 public:
  explicit MatchPattern(std::string_view pattern);
  /// True when `text` matches; a pattern with any other backslash (an open escape, as the
  /// specification says) throws AslError States.Runtime.
  bool matches(std::string_view text) const;

 private:
  std::vector<std::string> pieces_;  ///< one more than the stars: first and last anchor the text
  std::string error_;                ///< the open escape's message; empty when valid
};

/// StringMatches of `text` against `pattern` (see MatchPattern).
bool string_matches(std::string_view text, std::string_view pattern);

/// The right-hand side of a comparison, prepared for its operator: a literal once at load, a
/// `...Path` operand's value on each evaluation.
struct ChoiceOperand {
  std::optional<Timestamp> timestamp;   ///< Timestamp family: the value parsed, when it is one
  std::optional<MatchPattern> pattern;  ///< StringMatches: the value split, when it is a string
};
ChoiceOperand prepare_operand(const ChoiceOperator& op, const nlohmann::json& value);

/// The comparison `op` of `variable` with `value` (`operand` is `value` prepared); a mismatch
/// of types is simply false.
bool compare(const ChoiceOperator& op, const nlohmann::json& variable, const nlohmann::json& value,
             const ChoiceOperand& operand);
/// The type test `family` (IsNull ... IsTimestamp, not IsPresent) of `variable`.
bool test_type(Family family, const nlohmann::json& variable);

/// Evaluates one Choice rule (with And/Or/Not) against the effective input, compiling it
/// first (the interpreter compiles a state's rules once, see choice_compiled.hpp).
bool evaluate_choice_rule(const nlohmann::json& rule, const nlohmann::json& input,
                          const ContextObject& context);

}  // namespace flowrun::asl
