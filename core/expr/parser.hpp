#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/expr/ast.hpp"
#include "core/expr/lexer.hpp"

namespace flowrun::expr {

/// What the parser accepts beyond the built-in functions.
struct ParseOptions {
  /// Context names (matched case-insensitively); nullptr accepts any name.
  const std::vector<std::string>* contexts = nullptr;
};

/// A parsed expression: `root` is null for an empty expression (which evaluates to null).
struct Parsed {
  NodePtr root;
  std::optional<ParseError> error;
};

/// Parses the text of one expression (what is between `${{` and `}}`), with GitHub's
/// grammar and precedence: `||` < `&&` < `== !=` < `< <= > >=` < `!` < `.`/`[]`.
/// Function names and argument counts, and literal format() strings, are checked here.
Parsed parse(std::string_view text, const ParseOptions& options = {});

/// GitHub's full message: "<message>. Located at position N within expression: <text>".
std::string describe(const ParseError& error, std::string_view text);

/// Calls `visit` for every node of the tree, parents before children.
template <typename Visit>
void walk(const Node& node, Visit&& visit) {
  visit(node);
  for (const auto& child : node.children) {
    if (child) walk(*child, visit);
  }
}

}  // namespace flowrun::expr
