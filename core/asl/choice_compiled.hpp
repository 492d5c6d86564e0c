#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/asl/choice_rules.hpp"
#include "core/asl/jsonpath.hpp"

// Choice rules compiled once, when the machine is loaded: operators as enums, paths parsed,
// literal operands converted, so that a visit walks a small tree instead of the definition.
// A malformed rule compiles into a node that throws, when evaluated, the error that walking
// its JSON would throw: validation rejects most of them, the interpreter must not crash on
// the rest.

namespace flowrun::asl {

/// One Choice rule: And, Or, Not or a comparison.
struct CompiledRule {
  enum class Kind { And, Or, Not, Comparison, Invalid };
  Kind kind = Kind::Invalid;
  std::vector<CompiledRule> children;  ///< And, Or: the rules in order; Not: the one rule
  std::optional<AslError> error;       ///< Invalid: what evaluating it throws

  ChoiceOperator op;
  std::shared_ptr<const JsonPath> variable;
  nlohmann::json operand;  ///< as written: a literal value, a `...Path`'s path, a boolean
  ChoiceOperand literal;   ///< a comparison with a value (not a type test, not `...Path`)
  bool expected = false;   ///< a type test or IsPresent: the boolean it asks for
  std::shared_ptr<const JsonPath> operand_path;  ///< `...Path`; null when it does not parse
  /// A malformed operand, thrown where the walk checks it: after the Variable is looked up.
  std::optional<AslError> operand_error;
};

/// Compiles `rule` (an element of Choices, or any rule below one). Never throws.
CompiledRule compile_choice_rule(const nlohmann::json& rule);

/// Evaluates a compiled rule against the effective input; throws AslError States.Runtime as
/// the specification asks (a `...Path` operand or Variable that selects nothing ...).
bool evaluate_compiled_rule(const CompiledRule& rule, const nlohmann::json& input,
                            const ContextObject& context);

/// A JSONPath Choice state's `Choices`, compiled. Keeps pointers to its rules in `state`,
/// which must outlive it (a state's `definition` never changes after loading).
class ChoiceProgram {
 public:
  /// Compiles the Choices of the Choice state `state`. Never throws.
  explicit ChoiceProgram(const nlohmann::json& state);
  /// The first top-level rule (its JSON) that matches `input`, or nullptr when none does and
  /// the state has a Default; throws States.NoChoiceMatched when it has none.
  const nlohmann::json* choose(const nlohmann::json& input, const ContextObject& context) const;

 private:
  struct Choice {
    const nlohmann::json* rule;
    CompiledRule condition;
  };
  std::vector<Choice> choices_;
  bool has_default_ = false;
};

}  // namespace flowrun::asl
