#include <algorithm>

#include "core/asl/jsonpath.hpp"
#include "core/asl/jsonpath_filter.hpp"
#include "core/asl/variables.hpp"

namespace flowrun::asl {
namespace {

using nlohmann::json;
using Nodes = std::vector<const json*>;

// `node` and every node below it, parents before children, without recursion (documents
// can be nested deeper than the stack allows).
void collect_descendants(const json& node, Nodes& out) {
  Nodes pending = {&node};
  while (!pending.empty()) {
    const json* current = pending.back();
    pending.pop_back();
    out.push_back(current);
    if (current->is_structured()) {
      // Push in reverse so children come out in document order.
      for (auto it = current->rbegin(); it != current->rend(); ++it) pending.push_back(&*it);
    }
  }
}

std::optional<std::size_t> resolve_index(std::int64_t index, std::size_t size) {
  std::int64_t effective = index < 0 ? static_cast<std::int64_t>(size) + index : index;
  if (effective < 0 || effective >= static_cast<std::int64_t>(size)) return std::nullopt;
  return static_cast<std::size_t>(effective);
}

// Slice bounds as RFC 9535 defines them (Python semantics, negative step walks backwards).
void select_slice(const PathSegment& segment, const json& array, Nodes& out) {
  auto size = static_cast<std::int64_t>(array.size());
  std::int64_t step = segment.slice[2].value_or(1);
  auto normalize = [&](std::int64_t i) { return i >= 0 ? i : size + i; };
  if (step > 0) {
    std::int64_t lower = std::clamp<std::int64_t>(normalize(segment.slice[0].value_or(0)), 0, size);
    std::int64_t upper =
        std::clamp<std::int64_t>(normalize(segment.slice[1].value_or(size)), 0, size);
    for (std::int64_t i = lower; i < upper; i += step) out.push_back(&array[i]);
  } else {
    std::int64_t upper = segment.slice[0]
                             ? std::clamp<std::int64_t>(normalize(*segment.slice[0]), -1, size - 1)
                             : size - 1;
    std::int64_t lower = segment.slice[1]
                             ? std::clamp<std::int64_t>(normalize(*segment.slice[1]), -1, size - 1)
                             : -1;
    for (std::int64_t i = upper; i > lower; i += step) out.push_back(&array[i]);
  }
}

void select_filter(const PathSegment& segment, const json& node, const json& root, Nodes& out) {
  // AWS's developer guide: `@` matches objects only, never scalar items.
  if (node.is_array()) {
    for (const json& item : node) {
      if (item.is_object() && evaluate_filter(*segment.filter, item, root)) out.push_back(&item);
    }
  } else if (node.is_object() && !segment.descendant) {
    // Jayway applies a filter on an object to the object itself.
    if (evaluate_filter(*segment.filter, node, root)) out.push_back(&node);
  }
}

void select_one(const PathSegment& segment, const json& node, const json& root, Nodes& out) {
  switch (segment.kind) {
    case PathSegment::Kind::Name:
      if (node.is_object()) {
        if (auto it = node.find(segment.name); it != node.end()) out.push_back(&*it);
      }
      return;
    case PathSegment::Kind::Index:
      if (node.is_array()) {
        if (auto i = resolve_index(segment.index, node.size())) out.push_back(&node[*i]);
      }
      return;
    case PathSegment::Kind::Wildcard:
      if (node.is_structured()) {
        for (const json& child : node) out.push_back(&child);
      }
      return;
    case PathSegment::Kind::Union:
      if (node.is_object()) {
        for (const std::string& name : segment.names) {
          if (auto it = node.find(name); it != node.end()) out.push_back(&*it);
        }
      } else if (node.is_array()) {
        for (std::int64_t index : segment.indices) {
          if (auto i = resolve_index(index, node.size())) out.push_back(&node[*i]);
        }
      }
      return;
    case PathSegment::Kind::Slice:
      if (node.is_array()) select_slice(segment, node, out);
      return;
    case PathSegment::Kind::Filter:
      select_filter(segment, node, root, out);
      return;
  }
}

// ---- filters -------------------------------------------------------------------------------

// The value of an operand: nullopt when a path selects nothing; an indefinite path gives the
// array of its matches, as Jayway does.
std::optional<json> operand_value(const FilterOperand& operand, const json& current,
                                  const json& root, const json*& single) {
  single = nullptr;
  if (operand.kind == FilterOperand::Kind::Literal) {
    single = &operand.literal;
    return std::nullopt;
  }
  Nodes nodes = {operand.kind == FilterOperand::Kind::Current ? &current : &root};
  apply_segments(operand.path, root, nodes);
  if (operand.definite) {
    if (!nodes.empty()) single = nodes.front();
    return std::nullopt;
  }
  json array = json::array();
  for (const json* node : nodes) array.push_back(*node);
  return array;
}

bool equal_values(const json& a, const json& b) {
  if (a.is_number() && b.is_number()) return a.get<double>() == b.get<double>();
  return a == b;
}

bool contains_value(const json& array, const json& value) {
  return std::any_of(array.begin(), array.end(),
                     [&](const json& item) { return equal_values(item, value); });
}

std::size_t count_characters(const std::string& text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

// Jayway's word operators; a left or right side of the wrong kind makes them false.
bool compare_words(FilterExpr::Op op, const json& a, const json& b) {
  using Op = FilterExpr::Op;
  switch (op) {
    case Op::In:
      return b.is_array() && contains_value(b, a);
    case Op::Nin:
      return b.is_array() && !contains_value(b, a);
    case Op::SubsetOf:
      return a.is_array() && b.is_array() && std::all_of(a.begin(), a.end(), [&](const json& item) {
               return contains_value(b, item);
             });
    case Op::AnyOf:
      return a.is_array() && b.is_array() && std::any_of(a.begin(), a.end(), [&](const json& item) {
               return contains_value(b, item);
             });
    case Op::NoneOf:
      return a.is_array() && b.is_array() &&
             std::none_of(a.begin(), a.end(),
                          [&](const json& item) { return contains_value(b, item); });
    case Op::Size: {
      if (!b.is_number_integer()) return false;
      if (a.is_array()) return static_cast<std::int64_t>(a.size()) == b.get<std::int64_t>();
      if (a.is_string()) {
        return static_cast<std::int64_t>(count_characters(a.get_ref<const std::string&>())) ==
               b.get<std::int64_t>();
      }
      return false;
    }
    case Op::Empty: {
      if (!b.is_boolean() || !(a.is_array() || a.is_string())) return false;
      bool is_empty = a.is_array() ? a.empty() : a.get_ref<const std::string&>().empty();
      return is_empty == b.get<bool>();
    }
    default:
      return false;
  }
}

bool compare_values(FilterExpr::Op op, const json& a, const json& b) {
  using Op = FilterExpr::Op;
  if (op == Op::Eq) return equal_values(a, b);
  if (op == Op::Ne) return !equal_values(a, b);
  if (op != Op::Lt && op != Op::Le && op != Op::Gt && op != Op::Ge) return compare_words(op, a, b);
  int order = 0;
  if (a.is_number() && b.is_number()) {
    double x = a.get<double>(), y = b.get<double>();
    order = x < y ? -1 : (x > y ? 1 : 0);
  } else if (a.is_string() && b.is_string()) {
    int c = a.get_ref<const std::string&>().compare(b.get_ref<const std::string&>());
    order = c < 0 ? -1 : (c > 0 ? 1 : 0);
  } else {
    return false;  // ordering between different types never holds
  }
  switch (op) {
    case Op::Lt:
      return order < 0;
    case Op::Le:
      return order <= 0;
    case Op::Gt:
      return order > 0;
    case Op::Ge:
      return order >= 0;
    default:
      return false;
  }
}

}  // namespace

void apply_segments(const std::vector<PathSegment>& segments, const json& root, Nodes& nodes) {
  Nodes next;
  Nodes expanded;
  for (const PathSegment& segment : segments) {
    next.clear();
    if (segment.descendant) {
      expanded.clear();
      for (const json* node : nodes) collect_descendants(*node, expanded);
      for (const json* node : expanded) select_one(segment, *node, root, next);
    } else {
      for (const json* node : nodes) select_one(segment, *node, root, next);
    }
    nodes.swap(next);
    if (nodes.empty()) return;
  }
}

bool evaluate_filter(const FilterExpr& expr, const json& current, const json& root) {
  switch (expr.kind) {
    case FilterExpr::Kind::Or:
      return evaluate_filter(*expr.children[0], current, root) ||
             evaluate_filter(*expr.children[1], current, root);
    case FilterExpr::Kind::And:
      return evaluate_filter(*expr.children[0], current, root) &&
             evaluate_filter(*expr.children[1], current, root);
    case FilterExpr::Kind::Not:
      return !evaluate_filter(*expr.children[0], current, root);
    case FilterExpr::Kind::Exists: {
      const json* single = nullptr;
      std::optional<json> many = operand_value(expr.lhs, current, root, single);
      return single != nullptr || (many && !many->empty());
    }
    case FilterExpr::Kind::Compare: {
      const json* left = nullptr;
      const json* right = nullptr;
      std::optional<json> left_many = operand_value(expr.lhs, current, root, left);
      std::optional<json> right_many = operand_value(expr.rhs, current, root, right);
      if (left_many) left = &*left_many;
      if (right_many) right = &*right_many;
      if (!left || !right) return false;  // a missing value compares false, even with !=
      return compare_values(expr.op, *left, *right);
    }
  }
  return false;
}

const json* JsonPath::root(const json& input, const json& context) const {
  if (context_) return &context;
  if (!variable_.empty()) return find_variable(variable_);
  return &input;
}

std::string JsonPath::root_name() const {
  if (context_) return "context object";
  if (!variable_.empty()) return "variable '" + variable_ + "'";
  return "input";
}

void JsonPath::select(const json& root, Nodes& out) const {
  Nodes nodes = {&root};
  apply_segments(segments_, root, nodes);
  out.insert(out.end(), nodes.begin(), nodes.end());
}

const json* JsonPath::find(const json& root) const {
  const json* node = &root;
  for (const PathSegment& segment : segments_) {
    if (segment.kind == PathSegment::Kind::Name && !segment.descendant) {
      if (!node->is_object()) return nullptr;
      auto it = node->find(segment.name);
      if (it == node->end()) return nullptr;
      node = &*it;
    } else if (segment.kind == PathSegment::Kind::Index && !segment.descendant) {
      if (!node->is_array()) return nullptr;
      auto i = resolve_index(segment.index, node->size());
      if (!i) return nullptr;
      node = &(*node)[*i];
    } else {
      Nodes nodes;
      select(root, nodes);
      return nodes.empty() ? nullptr : nodes.front();
    }
  }
  return node;
}

}  // namespace flowrun::asl
