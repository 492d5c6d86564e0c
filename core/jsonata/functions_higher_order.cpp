#include "core/jsonata/builtins.hpp"
#include "core/jsonata/errors.hpp"
#include "core/jsonata/evaluator.hpp"
#include "core/jsonata/sequence_ops.hpp"

// Higher-order functions: $map, $filter, $single, $reduce, $sift, $each. A callback gets as
// many of (value, index/key, array/object) as it declares parameters.

namespace flowrun::jsonata {
namespace {

Value call_with_arity(Call& call, const Value& function, std::vector<Value> args) {
  std::size_t arity = function.function().arity();
  if (args.size() > arity) args.resize(std::max<std::size_t>(arity, 1));
  return call.evaluator.apply(function, std::move(args), Value(), call.position);
}

Value fn_map(Call& call) {
  if (call.arg(0).is_undefined()) return Value();
  std::vector<Value> items = to_items(call.arg(0));
  std::vector<Value> results;
  for (std::size_t i = 0; i < items.size(); ++i) {
    Value result = call_with_arity(call, call.arg(1),
                                   {items[i], Value::number(static_cast<double>(i)), call.arg(0)});
    if (!result.is_undefined()) results.push_back(std::move(result));
  }
  return make_sequence_value(std::move(results));
}

Value fn_filter(Call& call) {
  if (call.arg(0).is_undefined()) return Value();
  std::vector<Value> items = to_items(call.arg(0));
  std::vector<Value> results;
  for (std::size_t i = 0; i < items.size(); ++i) {
    Value keep = call_with_arity(call, call.arg(1),
                                 {items[i], Value::number(static_cast<double>(i)), call.arg(0)});
    if (to_boolean(keep).value_or(false)) results.push_back(items[i]);
  }
  return make_sequence_value(std::move(results));
}

Value fn_single(Call& call) {
  if (call.arg(0).is_undefined()) return Value();
  std::vector<Value> items = to_items(call.arg(0));
  Value found;
  bool has_found = false;
  for (std::size_t i = 0; i < items.size(); ++i) {
    bool matches = true;
    if (!call.arg(1).is_undefined()) {
      Value keep = call_with_arity(call, call.arg(1),
                                   {items[i], Value::number(static_cast<double>(i)), call.arg(0)});
      matches = to_boolean(keep).value_or(false);
    }
    if (!matches) continue;
    if (has_found) call.fail("D3138");
    found = items[i];
    has_found = true;
  }
  if (!has_found) call.fail("D3139");
  return found;
}

Value fn_reduce(Call& call) {
  if (call.arg(0).is_undefined()) return Value();
  const Value& function = call.arg(1);
  std::size_t arity = function.function().arity();
  if (arity < 2) call.fail("D3050");
  std::vector<Value> items = to_items(call.arg(0));
  std::size_t start = 0;
  Value accumulator = call.arg(2);
  if (accumulator.is_undefined() && !items.empty()) {
    accumulator = items[0];
    start = 1;
  }
  for (std::size_t i = start; i < items.size(); ++i) {
    std::vector<Value> args{accumulator, items[i]};
    if (arity >= 3) args.push_back(Value::number(static_cast<double>(i)));
    if (arity >= 4) args.push_back(call.arg(0));
    accumulator = call.evaluator.apply(function, std::move(args), Value(), call.position);
  }
  return accumulator;
}

Value fn_sift(Call& call) {
  const Value& object = call.arg(0);
  if (!object.is_object()) return Value();
  json result = json::object();
  for (auto it = object.data().begin(); it != object.data().end(); ++it) {
    Value keep = call_with_arity(call, call.arg(1),
                                 {child_of(object, it.value()), Value::string(it.key()), object});
    if (to_boolean(keep).value_or(false)) result[it.key()] = it.value();
  }
  if (result.empty()) return Value();
  return Value::own(std::move(result));
}

Value fn_each(Call& call) {
  const Value& object = call.arg(0);
  if (!object.is_object()) return Value();
  std::vector<Value> results;
  for (auto it = object.data().begin(); it != object.data().end(); ++it) {
    Value result = call_with_arity(call, call.arg(1),
                                   {child_of(object, it.value()), Value::string(it.key()), object});
    if (!result.is_undefined()) results.push_back(std::move(result));
  }
  return make_sequence_value(std::move(results));
}

}  // namespace

void add_higher_order_functions(BuiltinTable& table) {
  table.add("map", "<af>", fn_map);
  table.add("filter", "<af>", fn_filter);
  table.add("single", "<af?>", fn_single);
  table.add("reduce", "<afj?:j>", fn_reduce);
  table.add("sift", "<o-f?:o>", fn_sift);
  table.add("each", "<o-f:a>", fn_each);
}

}  // namespace flowrun::jsonata
