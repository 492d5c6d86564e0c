#pragma once

#include <string_view>

#include "core/jsonata/ast.hpp"

namespace flowrun::jsonata {

/// Parses a JSONata expression into its processed tree; throws Error (S0xxx).
NodePtr parse_expression(std::string_view text);

/// The post-parse pass (parser_paths.cpp): flattens `.` into paths, attaches predicates,
/// group-by, sort, `@` and `#` to their steps.
NodePtr process_tree(NodePtr node);

/// The parent-operator analysis (parser_ancestry.cpp), as jsonata-js's seekParent,
/// pushAncestry and resolveAncestry.
std::shared_ptr<Slot> seek_parent(Node& node, std::shared_ptr<Slot> slot);
void push_ancestry(Node& result, const Node& value);
void resolve_ancestry(Node& path);

/// Nesting deeper than this is a syntax error rather than a stack overflow.
inline constexpr int kMaxParseDepth = 500;

}  // namespace flowrun::jsonata
