#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/jsonata/ast.hpp"
#include "core/jsonata/value.hpp"

// Functions as values: built-ins, lambdas (closures over their frame), partial applications,
// regular expressions (callable matchers), transforms and `~>` chains.

namespace flowrun::jsonata {

class Evaluator;
class Frame;
using FramePtr = std::shared_ptr<Frame>;

/// Variable bindings of one scope; lookups continue in the enclosing frame.
class Frame {
 public:
  explicit Frame(FramePtr parent) : parent_(std::move(parent)) {}
  void bind(std::string name, Value value);
  /// The binding in this frame or an enclosing one, or nullptr.
  const Value* lookup(std::string_view name) const;

 private:
  FramePtr parent_;
  std::vector<std::pair<std::string, Value>> bindings_;
};

/// What a built-in function gets: its arguments (already checked against its signature),
/// the context value, and where it was called, for errors.
struct Call {
  Evaluator& evaluator;
  std::vector<Value>& args;
  const Value& input;
  std::size_t position;
  std::string_view name;

  /// Argument `index`, or undefined when it was not given.
  const Value& arg(std::size_t index) const;
  [[noreturn]] void fail(std::string_view code, nlohmann::json value = nlohmann::json(
                                                    nlohmann::json::value_t::discarded)) const;
};

using BuiltinImpl = Value (*)(Call& call);

struct Builtin {
  std::string name;
  Signature signature;
  BuiltinImpl implementation;
};

class Function {
 public:
  enum class Kind { Builtin, Lambda, Partial, Regex, Transform, Chain, Thunk };

  explicit Function(Kind function_kind) : kind(function_kind) {}

  Kind kind;
  const Builtin* builtin = nullptr;  // Builtin, and Partial of a built-in
  // Lambda (and Partial of a lambda): parameters, body, closure.
  std::vector<std::string> params;
  const Node* body = nullptr;
  std::shared_ptr<const Signature> signature;
  FramePtr frame;
  Value input;
  // Partial of a built-in: bound arguments, std::nullopt for each `?`.
  std::vector<std::optional<Value>> bound;
  std::shared_ptr<const RegexLiteral> regex;  // Regex
  const Node* node = nullptr;                 // Transform; Thunk: the tail call
  Value first, second;                        // Chain: first ~> second

  /// The number of arguments it declares (for $map, $filter ... which pass up to three).
  std::size_t arity() const;
};

/// Calling a regex value directly: the first match in `subject` as an object
/// {match, start, end, groups} (functions_regex.cpp), or undefined. Throws U1002 at
/// `position` when matching runs into its resource limit.
Value call_regex(const RegexLiteral& regex, const Value& subject, std::size_t position);

}  // namespace flowrun::jsonata
