#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/asl/data_flow.hpp"

// Payload templates (`Parameters`, `ResultSelector`, `ItemSelector`, `Assign`) and `.$`
// expressions parsed once: a state visited a million times does not parse its paths and
// intrinsic calls, or walk its template's JSON, a million times. Compiling never fails: what
// does not parse is kept as written and raises, when evaluated, the error the specification
// gives at run time, at the same point of the evaluation as before.

namespace flowrun::asl {

class JsonPath;
struct IntrinsicCall;

/// A `.$` value or a Fail state's ErrorPath/CausePath: a Path, a `$$` path or an intrinsic
/// function call.
class CompiledExpression {
 public:
  explicit CompiledExpression(std::string_view text);

  /// What evaluate_expression gives for the text: a path that matches nothing throws
  /// `error_name`, a failing intrinsic States.IntrinsicFailure.
  nlohmann::json evaluate(const nlohmann::json& input, const ContextObject& context,
                          std::string_view error_name) const;
  /// True when the expression reads the context object (`$$`).
  bool reads_context() const;

 private:
  std::string text_;
  std::shared_ptr<const JsonPath> path_;       ///< when the text is a path that parses
  std::shared_ptr<const IntrinsicCall> call_;  ///< when it is an intrinsic call that parses
};

/// A payload template: constant parts kept as ready JSON, `.$` fields as compiled
/// expressions.
class CompiledTemplate {
 public:
  explicit CompiledTemplate(const nlohmann::json& payload_template);
  ~CompiledTemplate();
  CompiledTemplate(CompiledTemplate&&) noexcept;
  CompiledTemplate& operator=(CompiledTemplate&&) noexcept;

  /// The payload for `input`, as evaluate_payload_template gives it.
  nlohmann::json evaluate(const nlohmann::json& input, const ContextObject& context) const;
  /// True when some `.$` field reads the context object (`$$`).
  bool reads_context() const { return reads_context_; }

  struct Node;

 private:
  std::unique_ptr<const Node> root_;
  bool reads_context_ = false;
};

}  // namespace flowrun::asl
