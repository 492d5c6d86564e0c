#include <cmath>

#include "core/jsonata/errors.hpp"
#include "core/jsonata/evaluator.hpp"
#include "core/jsonata/sequence_ops.hpp"

// Paths whose steps bind variables (`@$v`, `#$i`, and the ancestors `%` refers to): from the
// first such step on, the path carries a tuple stream, each tuple a context value plus the
// variables bound so far (jsonata-js's evaluateTupleStep).

namespace flowrun::jsonata {
namespace {

void bind_in(Tuple& tuple, const std::string& name, Value value) {
  for (auto& [bound, existing] : tuple.bindings) {
    if (bound == name) {
      existing = std::move(value);
      return;
    }
  }
  tuple.bindings.emplace_back(name, std::move(value));
}

Value tuple_stream_value(std::vector<Tuple> tuples) {
  auto sequence = make_sequence();
  sequence->tuple_stream = true;
  for (const Tuple& tuple : tuples) sequence->items.push_back(tuple.focus);
  sequence->tuples = std::move(tuples);
  return Value::sequence(std::move(sequence));
}

}  // namespace

FramePtr frame_from_tuple(const FramePtr& frame, const Tuple& tuple) {
  auto scope = std::make_shared<Frame>(frame);
  for (const auto& [name, value] : tuple.bindings) scope->bind(name, value);
  return scope;
}

Value Evaluator::evaluate_tuple_path(const Node& node, std::vector<Value> input,
                                     const FramePtr& frame) {
  Value result;
  std::optional<std::vector<Tuple>> tuples;
  bool in_tuples = false;
  for (std::size_t i = 0; i < node.items.size(); ++i) {
    const Node& step = *node.items[i];
    if (step.tuple) in_tuples = true;
    if (i == 0 && step.cons_array) {
      result = evaluate(step, make_sequence_value(input), frame);
    } else if (in_tuples) {
      tuples = evaluate_tuple_step(step, input, std::move(tuples), frame);
    } else {
      result = evaluate_step(step, input, frame, i + 1 == node.items.size());
    }
    if (!in_tuples && (result.is_undefined() || (result.is_array() && array_size(result) == 0))) {
      break;
    }
    if (step.focus.empty() && !in_tuples) input = to_items(result);
    if (in_tuples && i == 0 && step.cons_array) {
      tuples.emplace();
      for (const Value& item : to_items(result)) tuples->push_back({item, {}});
    }
  }
  if (in_tuples) {
    std::vector<Tuple> stream = tuples ? std::move(*tuples) : std::vector<Tuple>{};
    if (node.tuple) {
      result = tuple_stream_value(std::move(stream));
    } else {
      std::vector<Value> values;
      values.reserve(stream.size());
      for (Tuple& tuple : stream) values.push_back(std::move(tuple.focus));
      result = make_sequence_value(std::move(values));
    }
  }
  if (node.keep_singleton_array && result.is_sequence() && result.sequence().is_sequence) {
    result.sequence().keep_singleton = true;
  }
  if (node.group) {
    result = evaluate_group(node.group->pairs, node.group->position, group_items(result), frame);
  }
  return result;
}

std::vector<Tuple> Evaluator::evaluate_tuple_step(const Node& step, const std::vector<Value>& input,
                                                  std::optional<std::vector<Tuple>> bindings,
                                                  const FramePtr& frame) {
  if (step.type == NodeType::Sort) {
    std::vector<Tuple> sorted;
    if (bindings) {
      sorted = sort_tuples(step, std::move(*bindings), frame);
    } else {
      std::vector<Value> values = to_items(evaluate_sort(step, make_sequence_value(input), frame));
      for (std::size_t i = 0; i < values.size(); ++i) {
        Tuple tuple{values[i], {}};
        if (!step.index.empty()) bind_in(tuple, step.index, Value::number(static_cast<double>(i)));
        sorted.push_back(std::move(tuple));
      }
    }
    return evaluate_tuple_stages(step.stages, std::move(sorted), frame);
  }
  if (!bindings) {
    bindings.emplace();
    for (const Value& item : input) bindings->push_back({item, {}});
  }
  std::vector<Tuple> result;
  for (const Tuple& source : *bindings) {
    Value value = evaluate(step, source.focus, frame_from_tuple(frame, source));
    if (value.is_undefined()) continue;
    if (value.is_sequence() && value.sequence().tuple_stream) {
      for (const Tuple& inner : value.sequence().tuples) {
        Tuple tuple = source;
        tuple.focus = inner.focus;
        for (const auto& [name, bound] : inner.bindings) bind_in(tuple, name, bound);
        result.push_back(std::move(tuple));
      }
      continue;
    }
    std::vector<Value> items = value.is_array() ? to_items(value) : std::vector<Value>{value};
    for (std::size_t b = 0; b < items.size(); ++b) {
      Tuple tuple = source;
      if (!step.focus.empty()) {
        bind_in(tuple, step.focus, items[b]);
      } else {
        tuple.focus = items[b];
      }
      if (!step.index.empty()) bind_in(tuple, step.index, Value::number(static_cast<double>(b)));
      if (step.ancestor) bind_in(tuple, step.ancestor->label, source.focus);
      result.push_back(std::move(tuple));
    }
  }
  return evaluate_tuple_stages(step.stages, std::move(result), frame);
}

std::vector<Tuple> Evaluator::sort_tuples(const Node& step, std::vector<Tuple> tuples,
                                          const FramePtr& frame) {
  std::vector<Value> contexts;
  std::vector<FramePtr> frames;
  for (const Tuple& tuple : tuples) {
    contexts.push_back(tuple.focus);
    frames.push_back(frame_from_tuple(frame, tuple));
  }
  std::vector<Tuple> sorted;
  for (std::size_t index : sort_order(step, contexts, frames)) sorted.push_back(tuples[index]);
  return sorted;
}

std::vector<Tuple> Evaluator::evaluate_tuple_stages(const std::vector<Stage>& stages,
                                                    std::vector<Tuple> tuples,
                                                    const FramePtr& frame) {
  for (const Stage& stage : stages) {
    if (stage.is_index) {
      for (std::size_t i = 0; i < tuples.size(); ++i) {
        bind_in(tuples[i], stage.variable, Value::number(static_cast<double>(i)));
      }
    } else {
      tuples = filter_tuples(*stage.filter, std::move(tuples), frame);
    }
  }
  return tuples;
}

std::vector<Tuple> Evaluator::filter_tuples(const Node& predicate, std::vector<Tuple> tuples,
                                            const FramePtr& frame) {
  auto resolve_index = [&](double number) {
    auto index = static_cast<long long>(std::floor(number));
    return index < 0 ? index + static_cast<long long>(tuples.size()) : index;
  };
  std::vector<Tuple> selected;
  if (predicate.type == NodeType::Number) {
    long long index = resolve_index(predicate.literal.get<double>());
    if (index >= 0 && index < static_cast<long long>(tuples.size())) {
      selected.push_back(tuples[static_cast<std::size_t>(index)]);
    }
    return selected;
  }
  for (std::size_t i = 0; i < tuples.size(); ++i) {
    Value result = evaluate(predicate, tuples[i].focus, frame_from_tuple(frame, tuples[i]));
    std::vector<Value> numbers =
        result.is_number() ? std::vector<Value>{result} : std::vector<Value>{};
    if (result.is_array() && array_size(result) > 0) {
      numbers = to_items(result);
      for (const Value& item : numbers) {
        if (!item.is_number()) {
          numbers.clear();
          break;
        }
      }
    }
    if (!numbers.empty()) {
      for (const Value& number : numbers) {
        if (resolve_index(number.as_number()) == static_cast<long long>(i))
          selected.push_back(tuples[i]);
      }
    } else if (to_boolean(result).value_or(false)) {
      selected.push_back(tuples[i]);
    }
  }
  return selected;
}

}  // namespace flowrun::jsonata
