#include "core/jsonata/errors.hpp"
#include "core/jsonata/parser.hpp"
#include "core/jsonata/value.hpp"

// jsonata-js's post-parse pass (processAST): turns the operator tree into the shape the
// evaluator walks. Paths become one Path node with a flat list of steps; `[...]` becomes a
// stage of the step it follows; `{...}`, `^(...)`, `@$v` and `#$i` attach to their step.

namespace flowrun::jsonata {
namespace {

NodePtr make_path(NodePtr first) {
  auto path = std::make_unique<Node>(NodeType::Path, first->position);
  path->items.push_back(std::move(first));
  return path;
}

Node& last_step(Node& path) { return *path.items.back(); }

NodePtr process_dot(NodePtr node) {
  NodePtr left = process_tree(std::move(node->lhs));
  std::shared_ptr<Slot> left_parent = left->type == NodeType::Parent ? left->slot : nullptr;
  NodePtr result = left->type == NodeType::Path ? std::move(left) : make_path(std::move(left));
  if (left_parent) result->seeking_parent = {left_parent};
  NodePtr rest = process_tree(std::move(node->rhs));
  if (rest->type == NodeType::Path) {
    for (NodePtr& step : rest->items) result->items.push_back(std::move(step));
  } else {
    if (!rest->predicates.empty()) {
      rest->stages = std::move(rest->predicates);
      rest->predicates.clear();
    }
    result->items.push_back(std::move(rest));
  }
  for (NodePtr& step : result->items) {
    if (step->type == NodeType::Number || step->type == NodeType::Value) {
      throw_error("S0213", step->position, {.value = step->literal});
    }
    // A string literal as a step is a field name: `a."b c"`.
    if (step->type == NodeType::String) {
      step->type = NodeType::Name;
      step->value = step->literal.get<std::string>();
    }
    if (step->keep_array) result->keep_singleton_array = true;
  }
  Node& first = *result->items.front();
  if (first.type == NodeType::ArrayConstructor) first.cons_array = true;
  Node& last = last_step(*result);
  if (last.type == NodeType::ArrayConstructor) last.cons_array = true;
  resolve_ancestry(*result);
  return result;
}

NodePtr process_filter(NodePtr node) {
  NodePtr result = process_tree(std::move(node->lhs));
  Node* step = result.get();
  bool is_stage = false;
  if (result->type == NodeType::Path) {
    step = &last_step(*result);
    is_stage = true;
  }
  if (step->group) throw_error("S0209", node->position);
  Stage stage;
  stage.filter = process_tree(std::move(node->rhs));
  stage.position = node->position;
  for (const std::shared_ptr<Slot>& slot : stage.filter->seeking_parent) {
    if (slot->level == 1) {
      seek_parent(*step, slot);
    } else {
      --slot->level;
    }
  }
  push_ancestry(*step, *stage.filter);
  (is_stage ? step->stages : step->predicates).push_back(std::move(stage));
  return result;
}

NodePtr process_group(NodePtr node) {
  NodePtr result = process_tree(std::move(node->lhs));
  if (result->group) throw_error("S0210", node->position);
  auto group = std::make_unique<Group>();
  group->position = node->position;
  for (auto& [key, value] : node->pairs) {
    group->pairs.emplace_back(process_tree(std::move(key)), process_tree(std::move(value)));
  }
  result->group = std::move(group);
  return result;
}

NodePtr process_sort(NodePtr node) {
  NodePtr result = process_tree(std::move(node->lhs));
  if (result->type != NodeType::Path) result = make_path(std::move(result));
  auto sort = std::make_unique<Node>(NodeType::Sort, node->position);
  for (SortTerm& term : node->terms) {
    sort->terms.push_back({term.descending, process_tree(std::move(term.expression))});
    push_ancestry(*sort, *sort->terms.back().expression);
  }
  result->items.push_back(std::move(sort));
  resolve_ancestry(*result);
  return result;
}

NodePtr process_focus(NodePtr node) {
  NodePtr result = process_tree(std::move(node->lhs));
  Node* step = result.get();
  if (result->type == NodeType::Path) step = &last_step(*result);
  if (!step->stages.empty() || !step->predicates.empty()) throw_error("S0215", node->position);
  if (step->type == NodeType::Sort) throw_error("S0216", node->position);
  if (node->keep_array) step->keep_array = true;
  step->focus = node->rhs->value;
  step->tuple = true;
  return result;
}

NodePtr process_index(NodePtr node) {
  NodePtr result = process_tree(std::move(node->lhs));
  Node* step = result.get();
  if (result->type == NodeType::Path) {
    step = &last_step(*result);
  } else {
    if (!step->predicates.empty()) {
      step->stages = std::move(step->predicates);
      step->predicates.clear();
    }
    result = make_path(std::move(result));
    step = &last_step(*result);
  }
  if (step->stages.empty()) {
    step->index = node->rhs->value;
  } else {
    Stage stage;
    stage.is_index = true;
    stage.variable = node->rhs->value;
    stage.position = node->position;
    step->stages.push_back(std::move(stage));
  }
  step->tuple = true;
  return result;
}

NodePtr process_binary(NodePtr node) {
  const std::string& op = node->value;
  if (op == ".") return process_dot(std::move(node));
  if (op == "[") return process_filter(std::move(node));
  if (op == "{" && node->is_operator_group) return process_group(std::move(node));
  if (op == "^") return process_sort(std::move(node));
  if (op == "@") return process_focus(std::move(node));
  if (op == "#") return process_index(std::move(node));
  node->lhs = process_tree(std::move(node->lhs));
  node->rhs = process_tree(std::move(node->rhs));
  if (op == "~>") {
    node->type = NodeType::Apply;
    node->keep_array = node->lhs->keep_array || node->rhs->keep_array;
  } else {
    push_ancestry(*node, *node->lhs);
    push_ancestry(*node, *node->rhs);
  }
  return node;
}

// Marks the calls in tail position of a lambda body, so that the evaluator can return them
// to the caller's trampoline instead of growing the stack.
void mark_tail_calls(Node& body) {
  switch (body.type) {
    case NodeType::Function:
      if (body.predicates.empty() && !body.group) body.thunk = true;
      break;
    case NodeType::Condition:
      if (!body.predicates.empty() || body.group) break;
      if (body.rhs) mark_tail_calls(*body.rhs);
      if (body.third) mark_tail_calls(*body.third);
      break;
    case NodeType::Block:
      if (!body.predicates.empty() || body.group) break;
      if (!body.items.empty()) mark_tail_calls(*body.items.back());
      break;
    default:
      break;
  }
}

void process_children(Node& node) {
  if (node.lhs) node.lhs = process_tree(std::move(node.lhs));
  if (node.rhs) node.rhs = process_tree(std::move(node.rhs));
  if (node.third) node.third = process_tree(std::move(node.third));
  for (NodePtr& item : node.items) item = process_tree(std::move(item));
  for (auto& [key, value] : node.pairs) {
    key = process_tree(std::move(key));
    value = process_tree(std::move(value));
  }
}

// The `%` slots of the parts that jsonata-js's processAST passes up to the node.
void collect_ancestry(Node& node) {
  switch (node.type) {
    case NodeType::Bind:
      push_ancestry(node, *node.lhs);
      break;
    case NodeType::ArrayConstructor:
    case NodeType::Function:
    case NodeType::Partial:
      for (const NodePtr& item : node.items) push_ancestry(node, *item);
      break;
    case NodeType::ObjectConstructor:
      for (const auto& [key, value] : node.pairs) {
        push_ancestry(node, *key);
        push_ancestry(node, *value);
      }
      break;
    case NodeType::Condition:
      push_ancestry(node, *node.lhs);
      if (node.rhs) push_ancestry(node, *node.rhs);
      if (node.third) push_ancestry(node, *node.third);
      break;
    default:
      break;
  }
}

}  // namespace

NodePtr process_tree(NodePtr node) {
  bool keep_array = node->keep_array;
  NodePtr result;
  switch (node->type) {
    case NodeType::Binary:
      result = process_binary(std::move(node));
      break;
    case NodeType::Name:
      result = make_path(std::move(node));
      if (result->items.front()->keep_array) result->keep_singleton_array = true;
      break;
    case NodeType::Operator:
      // `and`, `or` and `in` where an operand is expected are field names.
      node->type = NodeType::Name;
      result = make_path(std::move(node));
      break;
    case NodeType::Negate:
      process_children(*node);
      if (node->lhs->type == NodeType::Number) {
        result = std::move(node->lhs);
        result->literal = make_number(-result->literal.get<double>());
      } else {
        push_ancestry(*node, *node->lhs);
        result = std::move(node);
      }
      break;
    case NodeType::Lambda:
      process_children(*node);
      mark_tail_calls(*node->rhs);
      result = std::move(node);
      break;
    case NodeType::Block:
      process_children(*node);
      for (const NodePtr& item : node->items) {
        push_ancestry(*node, *item);
        if (item->cons_array || (item->type == NodeType::Path && item->items.front()->cons_array)) {
          node->cons_array = true;
        }
      }
      result = std::move(node);
      break;
    case NodeType::Parent:
      node->slot = std::make_shared<Slot>();
      // The position makes the label unique within the expression.
      node->slot->label = "!" + std::to_string(node->position);
      result = std::move(node);
      break;
    case NodeType::End:
      throw_error("S0207", node->position);
    default:
      process_children(*node);
      collect_ancestry(*node);
      result = std::move(node);
      break;
  }
  if (keep_array) result->keep_array = true;
  return result;
}

}  // namespace flowrun::jsonata
