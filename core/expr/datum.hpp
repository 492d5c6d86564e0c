#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/expr/value.hpp"

namespace flowrun::expr {

/// A value during evaluation: shared so that containers read from a context keep their
/// identity (GitHub compares arrays and objects by reference), and flagged when it is the
/// result of a `*` filter, which indexes differently. Internal to core/expr.
struct Datum {
  std::shared_ptr<const Value> ptr;
  bool filtered = false;

  const Value& get() const { return *ptr; }
};

/// Thrown inside the evaluator; evaluate() turns it into Evaluated::error.
struct EvalError {
  std::string message;
};

Datum own(Value value, bool filtered = false);
/// A datum that refers to `value` inside `parent` (keeping the parent alive).
Datum member_of(const Datum& parent, const Value& value);
/// A datum that refers to `value`, which outlives the evaluation.
Datum borrow(const Value& value);

/// Calls the built-in function `name` (already checked by the parser).
Datum call_function(std::string_view name, const std::vector<Datum>& args,
                    const struct EvalContext& context);

}  // namespace flowrun::expr
