#include <algorithm>
#include <cmath>

#include "core/jsonata/errors.hpp"
#include "core/jsonata/evaluator.hpp"
#include "core/jsonata/sequence_ops.hpp"

// Location paths (jsonata-js's evaluatePath, evaluateStep, evaluateFilter): each step maps
// over the items the previous step produced and flattens what it returns.

namespace flowrun::jsonata {
namespace {

bool is_plain_array(const Value& value) {
  return value.is_array() && !(value.is_sequence() && value.sequence().is_sequence);
}

bool has_tuple_steps(const Node& path) {
  return std::any_of(path.items.begin(), path.items.end(),
                     [](const NodePtr& step) { return step->tuple; });
}

// A field name or a leading variable with nothing attached (no predicate, binding, group).
bool is_plain_step(const Node& step) {
  return (step.type == NodeType::Name || step.type == NodeType::Variable) && step.stages.empty() &&
         step.predicates.empty() && !step.group && !step.tuple && !step.keep_array;
}

}  // namespace

Value Evaluator::evaluate_path(const Node& node, const Value& input, const FramePtr& frame) {
  bool tuples = has_tuple_steps(node);
  std::size_t first = 0;
  std::vector<Value> items;
  if (!tuples && !node.keep_singleton_array && !node.group) {
    // Field names applied to one object (`$states.input.order.id`) need none of the sequence
    // machinery: look them up directly until a step meets an array or something else.
    Value current = input;
    for (; first < node.items.size(); ++first) {
      const Node& step = *node.items[first];
      if (!is_plain_step(step)) break;
      if (step.type == NodeType::Variable) {
        if (first != 0) break;
        current = evaluate(step, input, frame);
      } else {
        if (!current.is_object()) break;
        current = lookup_field(current, step.value);
      }
      if (current.is_undefined()) return current;
    }
    if (first == node.items.size()) return current;
    if (first > 0) {
      bool whole = !current.is_array() || (current.is_sequence() && current.sequence().cons);
      items = whole ? std::vector<Value>{current} : to_items(current);
    }
  }
  if (first == 0) {
    // A path that starts with a variable (`$x.a`, `$$.a`) starts from that variable, not
    // from the items of the context.
    if (input.is_array() && node.items.front()->type != NodeType::Variable) {
      items = to_items(input);
    } else {
      items.push_back(input);
    }
  }
  if (tuples) return evaluate_tuple_path(node, std::move(items), frame);

  Value result;
  for (std::size_t i = first; i < node.items.size(); ++i) {
    const Node& step = *node.items[i];
    if (i == 0 && step.cons_array) {
      result = evaluate(step, make_sequence_value(items), frame);
    } else {
      result = evaluate_step(step, items, frame, i + 1 == node.items.size());
    }
    if (result.is_undefined() || (result.is_array() && array_size(result) == 0)) break;
    if (i + 1 < node.items.size()) items = to_items(result);
  }
  if (node.keep_singleton_array) {
    if (result.is_sequence() && result.sequence().cons && !result.sequence().is_sequence) {
      result = make_sequence_value(std::vector<Value>{result});
    }
    if (result.is_sequence() && result.sequence().is_sequence) {
      result.sequence().keep_singleton = true;
    }
  }
  if (node.group) {
    result = evaluate_group(node.group->pairs, node.group->position, group_items(result), frame);
  }
  return result;
}

Value Evaluator::evaluate_step(const Node& step, const std::vector<Value>& input,
                               const FramePtr& frame, bool last_step) {
  if (step.type == NodeType::Sort) {
    Value sorted = evaluate_sort(step, make_sequence_value(input), frame);
    return evaluate_stages(step.stages, std::move(sorted), frame);
  }
  std::vector<Value> results;
  results.reserve(input.size());
  for (const Value& item : input) {
    Value result = evaluate(step, item, frame);
    for (const Stage& stage : step.stages) {
      result = evaluate_filter(*stage.filter, result, frame);
    }
    if (!result.is_undefined()) results.push_back(std::move(result));
  }
  if (last_step && results.size() == 1 && is_plain_array(results[0])) return results[0];
  std::vector<Value> flat;
  flat.reserve(results.size());
  for (Value& result : results) {
    bool keep_whole = !result.is_array() || (result.is_sequence() && result.sequence().cons);
    if (keep_whole) {
      flat.push_back(std::move(result));
    } else {
      std::size_t size = array_size(result);
      for (std::size_t k = 0; k < size; ++k) flat.push_back(array_item(result, k));
    }
  }
  return make_sequence_value(std::move(flat));
}

Value Evaluator::evaluate_stages(const std::vector<Stage>& stages, Value result,
                                 const FramePtr& frame) {
  for (const Stage& stage : stages) {
    if (!stage.is_index) result = evaluate_filter(*stage.filter, result, frame);
  }
  return result;
}

Value Evaluator::evaluate_filter(const Node& predicate, const Value& input, const FramePtr& frame) {
  std::vector<Value> selected;
  if (predicate.type == NodeType::Number) {
    // An index picks one item without listing them all.
    std::size_t size = input.is_array() ? array_size(input) : 1;
    auto index = static_cast<long long>(std::floor(predicate.literal.get<double>()));
    if (index < 0) index += static_cast<long long>(size);
    if (index >= 0 && index < static_cast<long long>(size)) {
      Value item = input.is_array() ? array_item(input, static_cast<std::size_t>(index)) : input;
      if (item.is_array()) return item;
      selected.push_back(std::move(item));
    }
    return make_sequence_value(std::move(selected));
  }
  std::vector<Value> items = input.is_array() ? to_items(input) : std::vector<Value>{input};
  auto resolve_index = [&](double number) {
    auto index = static_cast<long long>(std::floor(number));
    if (index < 0) index += static_cast<long long>(items.size());
    return index;
  };
  for (std::size_t i = 0; i < items.size(); ++i) {
    const Value& item = items[i];
    Value result = evaluate(predicate, item, frame);
    bool numbers = result.is_number();
    if (!numbers && result.is_array() && array_size(result) > 0) {
      numbers = true;
      for (std::size_t k = 0; k < array_size(result) && numbers; ++k) {
        numbers = array_item(result, k).is_number();
      }
    }
    if (numbers) {
      for (const Value& number : to_items(result)) {
        if (resolve_index(number.as_number()) == static_cast<long long>(i))
          selected.push_back(item);
      }
    } else if (to_boolean(result).value_or(false)) {
      selected.push_back(item);
    }
  }
  return make_sequence_value(std::move(selected));
}

}  // namespace flowrun::jsonata
