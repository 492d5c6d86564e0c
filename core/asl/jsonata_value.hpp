#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/jsonata/jsonata.hpp"

// The value of a field of a JSONata state (`Arguments`, `Output`, `Assign`, `Items`,
// `Seconds`, ...): any JSON, where each string that is exactly `{% expression %}`, at any
// depth, is a JSONata expression. Compiled once when the state machine loads.

namespace flowrun::asl {

/// The text inside `{% ... %}` when `text` is a JSONata expression string, else nullopt.
std::optional<std::string_view> jsonata_expression_text(std::string_view text);

/// A JSON value with its `{% %}` strings compiled.
class JsonataValue {
 public:
  /// Compiles every expression in `value`. Never throws: an expression that does not parse
  /// (validate reports it) throws States.QueryEvaluationError when evaluated.
  static JsonataValue compile(const nlohmann::json& value);

  /// The value with each expression replaced by its result. `field` names the value in
  /// messages (`Arguments`); nested values add their keys (`Arguments/order/id`). An
  /// expression that fails, or gives undefined, throws AslError States.QueryEvaluationError.
  nlohmann::json evaluate(const nlohmann::json& input, const jsonata::Environment& environment,
                          std::string_view state, std::string_view field) const;

  /// True when the value holds no expression.
  bool is_literal() const { return kind_ == Kind::Literal; }

 private:
  enum class Kind { Literal, Expression, Invalid, Object, Array };

  nlohmann::json evaluate_at(const nlohmann::json& input, const jsonata::Environment& environment,
                             std::string_view state, std::string& field) const;

  Kind kind_ = Kind::Literal;
  nlohmann::json literal_;                         // Literal
  std::optional<jsonata::Expression> expression_;  // Expression
  std::string text_;                               // Expression, Invalid: the expression's text
  std::string problem_;                            // Invalid: the syntax error
  std::vector<std::pair<std::string, JsonataValue>> members_;  // Object
  std::vector<JsonataValue> items_;                            // Array
};

/// The cause of a States.QueryEvaluationError in the service's words: "An error occurred while
/// executing the state 'S'. The JSONata expression 'E' specified for the field 'F' ...".
std::string query_error_cause(std::string_view state, std::string_view expression,
                              std::string_view field, std::string_view what);

}  // namespace flowrun::asl
