#pragma once

#include <string_view>

#include "core/jsonata/ast.hpp"

namespace flowrun::jsonata {

/// Parses a JSONata expression into its processed tree; throws Error (S0xxx).
NodePtr parse_expression(std::string_view text);

/// The post-parse pass (parser_paths.cpp): flattens `.` into paths, attaches predicates,
/// group-by, sort, `@` and `#` to their steps.
NodePtr process_tree(NodePtr node);

/// Nesting deeper than this is a syntax error rather than a stack overflow.
inline constexpr int kMaxParseDepth = 500;

}  // namespace flowrun::jsonata
