#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/asl/jsonpath.hpp"

// The expression of a JSONPath filter `[?( ... )]`: comparisons of `@` (the candidate),
// `$` (the document) paths and literals (including array literals), Jayway's word operators
// (`in`, `nin`, `subsetof`, `anyof`, `noneof`, `size`, `empty`), existence tests, `!`, `&&`,
// `||` and parentheses.

namespace flowrun::asl {

struct FilterOperand {
  enum class Kind { Literal, Current, Root };
  Kind kind = Kind::Literal;
  nlohmann::json literal;
  std::vector<PathSegment> path;  ///< for Current and Root
  bool definite = true;           ///< the path selects at most one node
};

struct FilterExpr {
  enum class Kind { Or, And, Not, Compare, Exists };
  enum class Op { Eq, Ne, Lt, Le, Gt, Ge, In, Nin, SubsetOf, AnyOf, NoneOf, Size, Empty };
  Kind kind = Kind::Exists;
  Op op = Op::Eq;
  std::vector<std::shared_ptr<const FilterExpr>> children;  ///< Or, And (2), Not (1)
  FilterOperand lhs;                                        ///< Compare, Exists
  FilterOperand rhs;                                        ///< Compare
};

/// True when `expr` holds for the candidate `current` inside the document `root`.
bool evaluate_filter(const FilterExpr& expr, const nlohmann::json& current,
                     const nlohmann::json& root);

}  // namespace flowrun::asl
