#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/asl/jsonata_value.hpp"

// A JSONata state's fields compiled once when the state machine loads, and the `$states`
// environment its expressions are evaluated in.

namespace flowrun::asl {

/// The compiled JSONata-valued fields of one object (the state, a Choice rule, a Catcher).
struct JsonataFields {
  std::vector<std::pair<std::string, JsonataValue>> values;

  /// The compiled field `name`, or nullptr when the object does not have it.
  const JsonataValue* find(std::string_view name) const;
};

/// Every JSONata-valued field of a state with `QueryLanguage: JSONata`.
struct JsonataState {
  JsonataFields fields;                 ///< Arguments, Output, Assign, Items, Seconds ...
  std::vector<JsonataFields> rules;     ///< per entry of Choices: Condition, Output, Assign
  std::vector<JsonataFields> catchers;  ///< per entry of Catch: Output, Assign
};

/// The fields of a JSONata state that the interpreter evaluates (`Arguments`, `Output`,
/// `Assign`, `Items`, `Seconds` ...).
std::span<const char* const> jsonata_state_fields();

/// Compiles the JSONata fields of the state whose JSON definition is `definition`.
std::shared_ptr<const JsonataState> compile_jsonata_state(const nlohmann::json& definition);

/// `$states` (input, context, and result or errorOutput where the field has them) and the
/// state machine's variables, for one evaluation. Holds references: every value must outlive
/// it. `$states` is put together only when an expression reads it.
class StatesEnvironment : public jsonata::Environment {
 public:
  StatesEnvironment(const nlohmann::json& input, const nlohmann::json& context,
                    const nlohmann::json& variables)
      : input_(input), context_(context), variables_(variables) {}

  void set_result(const nlohmann::json* result) { result_ = result; }
  void set_error_output(const nlohmann::json* error_output) { error_output_ = error_output; }

  const nlohmann::json* lookup(std::string_view name) const override;

 private:
  const nlohmann::json& input_;
  const nlohmann::json& context_;
  const nlohmann::json& variables_;
  const nlohmann::json* result_ = nullptr;
  const nlohmann::json* error_output_ = nullptr;
  mutable nlohmann::json states_;
};

/// Evaluates the field `name` of `fields` (input `$` = `$states.input`); `fallback` when the
/// field is absent.
nlohmann::json evaluate_jsonata_field(const JsonataFields& fields, std::string_view name,
                                      const StatesEnvironment& environment,
                                      const nlohmann::json& input, std::string_view state,
                                      nlohmann::json fallback);

/// The variables the `Assign` of `fields` sets (an empty object without one), every value
/// worked out before any is stored.
nlohmann::json evaluate_jsonata_assign(const JsonataFields& fields,
                                       const StatesEnvironment& environment,
                                       const nlohmann::json& input, std::string_view state);

/// The error a JSONata state raises for a value of the wrong kind, e.g. Wait `Seconds` that
/// is not a non-negative integer: States.QueryEvaluationError.
[[noreturn]] void throw_query_error(std::string cause);

}  // namespace flowrun::asl
