#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/expr/value.hpp"

namespace flowrun::expr {

enum class NodeKind {
  Literal,  ///< `literal`
  Context,  ///< a context name (`name`)
  Index,    ///< children[0][children[1]], or children[0].* when `star`
  Call,     ///< function `name` with arguments `children`
  Not,      ///< !children[0]
  Compare,  ///< children[0] `op` children[1]
  And,      ///< children joined by &&
  Or,       ///< children joined by ||
  Group     ///< (children[0])
};

enum class CompareOp { Equal, NotEqual, Less, LessEqual, Greater, GreaterEqual };

/// One node of a parsed expression; `offset`/`length` locate it in the expression text.
struct Node {
  NodeKind kind = NodeKind::Literal;
  Value literal;
  std::string name;
  CompareOp op = CompareOp::Equal;
  bool star = false;      ///< Index: `[*]` or `.*`
  bool property = false;  ///< Index written `.name` (children[1] is the name as a literal)
  std::vector<std::unique_ptr<Node>> children;
  std::uint32_t offset = 0;
  std::uint32_t length = 0;
};

using NodePtr = std::unique_ptr<Node>;

}  // namespace flowrun::expr
