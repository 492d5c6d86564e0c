#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

// JSONata (https://docs.jsonata.org), the query language of Step Functions states with
// `QueryLanguage: JSONata`. An expression is compiled once (when the state machine loads)
// and evaluated many times against JSON values.

namespace flowrun::jsonata {

class Node;  // the parsed expression tree (core/jsonata/ast.hpp)

/// A JSONata error with JSONata's own code: S0xxx for syntax, T0xxx/T1xxx/T2xxx for types,
/// D1xxx/D2xxx/D3xxx for evaluation, or the code given to `$error()`. `position` is the
/// 0-based character offset in the expression text where the fault was found.
class Error : public std::runtime_error {
 public:
  Error(std::string code, std::size_t position, const std::string& message)
      : std::runtime_error(message), code_(std::move(code)), position_(position) {}
  const std::string& code() const { return code_; }
  std::size_t position() const { return position_; }

 private:
  std::string code_;
  std::size_t position_;
};

/// Where `$name` variables that the expression does not bind itself come from. Step Functions
/// binds `$states` and the state machine's variables this way.
class Environment {
 public:
  virtual ~Environment() = default;
  /// The value of `$name` (name without the `$`), or nullptr when this environment does not
  /// bind it (then a built-in function of that name, else undefined).
  virtual const nlohmann::json* lookup(std::string_view name) const = 0;
};

class Expression {
 public:
  /// Parses `text`; throws Error (code S0xxx) pointing at the fault.
  static Expression compile(std::string_view text);

  /// How long one evaluation may take: a loop that never ends (a tail-recursive function
  /// whose condition never holds) fails with U1001 instead of hanging its state machine.
  static constexpr std::chrono::milliseconds kTimeLimit{30000};

  /// Evaluates against `input` (the context `$` and of a leading path). std::nullopt is
  /// JSONata's `undefined` (e.g. a path that matches nothing). Throws Error, U1001 past
  /// `time_limit`.
  std::optional<nlohmann::json> evaluate(const nlohmann::json& input,
                                         const Environment& environment,
                                         std::chrono::milliseconds time_limit = kTimeLimit) const;

  /// The expression's source text, for messages.
  const std::string& text() const { return text_; }

  /// The 0-based character offsets where a path starts with `$variable.member` (e.g.
  /// `$states.result`), anywhere in the expression, in source order.
  std::vector<std::size_t> find_member_reads(std::string_view variable,
                                             std::string_view member) const;

 private:
  std::shared_ptr<const Node> root_;
  std::string text_;
};

}  // namespace flowrun::jsonata
