#pragma once

#include <cstddef>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "core/jsonata/signature.hpp"
#include "core/util/regex.hpp"

// The expression tree, shaped as jsonata-js's parser leaves it after its post-parse pass:
// location paths are flattened into Path nodes whose steps carry their predicates (stages),
// and the `.`, `[`, `{`, `^`, `@`, `#` operators are gone.

namespace flowrun::jsonata {

enum class NodeType {
  Path,
  Name,
  String,
  Number,
  Value,  // true, false, null
  Wildcard,
  Descendant,
  Parent,
  Binary,  // arithmetic, comparison, `&`, `and`, `or`, `in`, `..`; before post-parse also `.` ...
  Negate,
  ArrayConstructor,
  ObjectConstructor,
  Condition,
  Block,
  Bind,
  Regex,
  Function,
  Partial,
  Variable,
  Lambda,
  Apply,
  Transform,
  Sort,
  Placeholder,  // `?` in a partial application
  Operator,     // parse-time only: `and`, `or`, `in` used as names, or a stray operator
  End,          // parse-time only: the end of the text where an operand was expected
};

using NodePtr = std::unique_ptr<class Node>;

/// A predicate `[expr]` or a positional binding `#$i` applied to a step's results.
struct Stage {
  bool is_index = false;
  NodePtr filter;
  std::string variable;  // for `#$i`
  std::size_t position = 0;
};

struct SortTerm {
  bool descending = false;
  NodePtr expression;
};

/// The group-by object constructor after a path (`Account.Order{Product: Price}`).
struct Group {
  std::vector<std::pair<NodePtr, NodePtr>> pairs;
  std::size_t position = 0;
};

/// A parent operator `%`: the label its ancestor binds, and how many steps up it still has
/// to look while the post-parse pass resolves it.
struct Slot {
  std::string label;
  int level = 1;
};

/// A compiled regular expression literal (PCRE2, with JavaScript's syntax as far as it goes).
struct RegexLiteral {
  std::string pattern;
  std::string flags;
  Regex compiled;
};

class Node {
 public:
  Node(NodeType node_type, std::size_t node_position) : type(node_type), position(node_position) {}

  NodeType type;
  /// The offset just past the token that made this node (jsonata-js's positions).
  std::size_t position;
  /// The name, operator, or variable name (without `$`).
  std::string value;
  /// String, Number and Value literals.
  nlohmann::json literal;

  NodePtr lhs;    // Binary, Apply, Bind (value); Condition: the condition; Transform: pattern
  NodePtr rhs;    // Binary, Apply; Condition: then; Transform: update; Lambda: body
  NodePtr third;  // Condition: else; Transform: delete
  /// Path steps, array items, block expressions, function arguments.
  std::vector<NodePtr> items;
  /// Object constructor pairs.
  std::vector<std::pair<NodePtr, NodePtr>> pairs;
  std::unique_ptr<Group> group;
  /// Predicates on an expression that is not a path step, and stages on a path step.
  std::vector<Stage> predicates;
  std::vector<Stage> stages;
  std::vector<SortTerm> terms;
  /// Lambda parameters (without `$`) and signature.
  std::vector<std::string> params;
  std::shared_ptr<const Signature> signature;
  std::shared_ptr<const RegexLiteral> regex;

  /// `[]` after the step: keep a singleton result as an array.
  bool keep_array = false;
  bool keep_singleton_array = false;  // Path: some step has keep_array
  bool cons_array = false;            // an array constructor that is a path's first or last step
  bool tuple = false;                 // the step binds `@`/`#` variables (tuple stream)
  bool thunk = false;                 // Lambda: a tail call wrapped for the trampoline
  bool is_operator_group = false;     // ObjectConstructor/Group parse-time flag (unused at run)
  std::string focus;                  // `@$v` on a step
  std::string index;                  // `#$i` on a step
  /// Parent: its slot. A step that some `%` refers to: the slot it binds its context under.
  std::shared_ptr<Slot> slot;
  std::shared_ptr<Slot> ancestor;
  /// The `%` slots inside this expression that are not resolved yet.
  std::vector<std::shared_ptr<Slot>> seeking_parent;
};

}  // namespace flowrun::jsonata
