#include <algorithm>
#include <map>

#include "core/jsonata/errors.hpp"
#include "core/jsonata/evaluator.hpp"
#include "core/jsonata/sequence_ops.hpp"

// The order-by step `^(...)` and the transform operator `| pattern | update, delete |`.

namespace flowrun::jsonata {
namespace {

// Where each node of `root` is, so that matches can be found again after edits (an edit may
// replace the subtree another match pointed into).
void index_pointers(const json& value, const json::json_pointer& at,
                    std::map<const json*, json::json_pointer>& out) {
  out.emplace(&value, at);
  if (value.is_object()) {
    for (auto it = value.begin(); it != value.end(); ++it) {
      index_pointers(it.value(), at / it.key(), out);
    }
  } else if (value.is_array()) {
    for (std::size_t i = 0; i < value.size(); ++i) index_pointers(value[i], at / i, out);
  }
}

json* resolve(json& root, const json::json_pointer& at) {
  try {
    return &root.at(at);
  } catch (const json::exception&) {
    return nullptr;
  }
}

}  // namespace

Value Evaluator::evaluate_sort(const Node& node, const Value& input, const FramePtr& frame) {
  std::vector<Value> items = to_items(input);
  std::vector<FramePtr> frames(items.size(), frame);
  std::vector<Value> sorted;
  sorted.reserve(items.size());
  for (std::size_t index : sort_order(node, items, frames)) sorted.push_back(items[index]);
  return make_sequence_value(std::move(sorted));
}

std::vector<std::size_t> Evaluator::sort_order(const Node& node, const std::vector<Value>& contexts,
                                               const std::vector<FramePtr>& frames) {
  // Each term is evaluated once per item; the comparison then follows jsonata-js's
  // comparator: undefined last, numbers or strings only, both of one type.
  std::vector<std::vector<Value>> keys(contexts.size());
  for (std::size_t i = 0; i < contexts.size(); ++i) {
    for (const SortTerm& term : node.terms) {
      keys[i].push_back(evaluate(*term.expression, contexts[i], frames[i]));
    }
  }
  auto compare = [&](std::size_t a, std::size_t b) {
    for (std::size_t t = 0; t < node.terms.size(); ++t) {
      const Value& x = keys[a][t];
      const Value& y = keys[b][t];
      if (x.is_undefined() && y.is_undefined()) continue;
      if (x.is_undefined()) return false;
      if (y.is_undefined()) return true;
      bool x_ok = x.is_number() || x.is_string();
      bool y_ok = y.is_number() || y.is_string();
      if (!x_ok || !y_ok) {
        throw_error("T2008", node.position, {.value = to_json_or_null(x_ok ? y : x)});
      }
      if (x.is_number() != y.is_number()) {
        throw_error("T2007", node.position, {.value = x.data(), .value2 = y.data()});
      }
      int order = 0;
      if (x.is_number()) {
        order = x.as_number() < y.as_number() ? -1 : (x.as_number() > y.as_number() ? 1 : 0);
      } else {
        int c = x.as_string().compare(y.as_string());
        order = c < 0 ? -1 : (c > 0 ? 1 : 0);
      }
      if (order == 0) continue;
      return node.terms[t].descending ? order > 0 : order < 0;
    }
    return false;
  };
  std::vector<std::size_t> order(contexts.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), compare);
  return order;
}

Value Evaluator::evaluate_transform(const Node& node, const FramePtr& frame) {
  auto transform = std::make_shared<Function>(Function::Kind::Transform);
  transform->node = &node;
  transform->frame = frame;
  return keep_closure(std::move(transform));
}

Value Evaluator::apply_transform(const Function& transform, std::vector<Value>& args) {
  const Node& node = *transform.node;
  if (args.empty() || args[0].is_undefined()) return Value();
  auto clone = std::make_shared<json>(to_json_or_null(args[0]));
  Value root = Value::borrow(*clone, clone);
  Value matches = evaluate(*node.lhs, root, transform.frame);
  std::map<const json*, json::json_pointer> pointers;
  index_pointers(*clone, json::json_pointer(), pointers);
  std::vector<json::json_pointer> targets;
  for (const Value& match : to_items(matches)) {
    if (!match.is_json()) continue;
    auto found = pointers.find(&match.data());
    if (found != pointers.end()) targets.push_back(found->second);
  }
  for (const json::json_pointer& at : targets) {
    json* target = resolve(*clone, at);
    if (target == nullptr) continue;
    Value context = Value::borrow(*target, clone);
    Value update = evaluate(*node.rhs, context, transform.frame);
    if (!update.is_undefined()) {
      if (!update.is_object()) {
        throw_error("T2011", node.rhs->position, {.value = to_json_or_null(update)});
      }
      json changes = update.data();
      if (target->is_object()) {
        for (auto it = changes.begin(); it != changes.end(); ++it) (*target)[it.key()] = it.value();
      }
    }
    if (!node.third) continue;
    Value deletions = evaluate(*node.third, Value::borrow(*target, clone), transform.frame);
    if (deletions.is_undefined()) continue;
    std::vector<Value> names = to_items(deletions);
    bool all_strings =
        std::all_of(names.begin(), names.end(), [](const Value& name) { return name.is_string(); });
    if (!all_strings)
      throw_error("T2012", node.third->position, {.value = to_json_or_null(deletions)});
    if (target->is_object()) {
      for (const Value& name : names) target->erase(name.as_string());
    }
  }
  return root;
}

}  // namespace flowrun::jsonata
