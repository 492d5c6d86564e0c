#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/expr/ast.hpp"
#include "core/expr/value.hpp"

namespace flowrun::expr {

/// What the status functions answer where an expression is evaluated.
struct StatusFlags {
  bool success = true;     ///< success()
  bool failure = false;    ///< failure()
  bool cancelled = false;  ///< cancelled()
};

/// Everything an expression can read. The engine fills it; core never reads the clock here.
struct EvalContext {
  const Value* contexts = nullptr;  ///< an object: context name -> data
  StatusFlags status;
  std::int64_t now_ms = 0;  ///< Unix epoch milliseconds for now() and today()
};

/// The value of an expression, or why it could not be evaluated (fromJSON of bad JSON,
/// a bad format() string, a case() predicate that is not a boolean, a bad date ...).
struct Evaluated {
  Value value;
  std::optional<std::string> error;
};

/// Evaluates a parsed expression with GitHub's semantics; a null root gives null.
Evaluated evaluate(const Node* root, const EvalContext& context);

}  // namespace flowrun::expr
