#include "core/jsonata/errors.hpp"
#include "core/jsonata/parser.hpp"

// The parent operator `%` (jsonata-js's seekParent, pushAncestry and resolveAncestry): each
// `%` gets a slot; walking back along the path, the step it refers to is found by counting
// levels, and that step is told to bind its context under the slot's label as the path runs.

namespace flowrun::jsonata {
namespace {

const char* type_name_of(NodeType type) {
  switch (type) {
    case NodeType::Binary:
      return "binary";
    case NodeType::Function:
      return "function";
    case NodeType::Variable:
      return "variable";
    case NodeType::ArrayConstructor:
    case NodeType::ObjectConstructor:
    case NodeType::Negate:
      return "unary";
    default:
      return "expression";
  }
}

}  // namespace

std::shared_ptr<Slot> seek_parent(Node& node, std::shared_ptr<Slot> slot) {
  switch (node.type) {
    case NodeType::Name:
    case NodeType::Wildcard:
      if (--slot->level == 0) {
        if (node.ancestor) slot->label = node.ancestor->label;
        node.ancestor = slot;
        node.tuple = true;
      }
      break;
    case NodeType::Parent:
      ++slot->level;
      break;
    case NodeType::Block:
      if (!node.items.empty()) {
        node.tuple = true;
        slot = seek_parent(*node.items.back(), slot);
      }
      break;
    case NodeType::Path: {
      node.tuple = true;
      std::size_t index = node.items.size();
      slot = seek_parent(*node.items[--index], slot);
      while (slot->level > 0 && index > 0) slot = seek_parent(*node.items[--index], slot);
      break;
    }
    default:
      throw_error("S0217", node.position, {.token = type_name_of(node.type)});
  }
  return slot;
}

void push_ancestry(Node& result, const Node& value) {
  if (value.seeking_parent.empty() && value.type != NodeType::Parent) return;
  result.seeking_parent.insert(result.seeking_parent.end(), value.seeking_parent.begin(),
                               value.seeking_parent.end());
  if (value.type == NodeType::Parent) result.seeking_parent.push_back(value.slot);
}

void resolve_ancestry(Node& path) {
  Node& last = *path.items.back();
  std::vector<std::shared_ptr<Slot>> slots = last.seeking_parent;
  if (last.type == NodeType::Parent) slots.push_back(last.slot);
  for (std::shared_ptr<Slot> slot : slots) {
    std::size_t index = path.items.size() - 1;  // the steps before the last one
    while (slot->level > 0) {
      if (index == 0) {
        path.seeking_parent.push_back(slot);
        break;
      }
      Node* step = path.items[--index].get();
      // Contiguous steps that bind the focus (`@$v`) count as one.
      while (index > 0 && !step->focus.empty() && !path.items[index - 1]->focus.empty()) {
        step = path.items[--index].get();
      }
      slot = seek_parent(*step, slot);
    }
  }
}

}  // namespace flowrun::jsonata
