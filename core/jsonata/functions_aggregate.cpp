#include "core/jsonata/builtins.hpp"
#include "core/jsonata/errors.hpp"
#include "core/jsonata/sequence_ops.hpp"

// Aggregation ($sum, $max, $min, $average, $count) and Boolean functions ($boolean, $not,
// $exists).

namespace flowrun::jsonata {
namespace {

Value fn_sum(Call& call) {
  if (call.arg(0).is_undefined()) return Value();
  double total = 0;
  for (const Value& item : to_items(call.arg(0))) total += item.as_number();
  return Value::number(total);
}

template <bool Max>
Value extreme(Call& call) {
  if (call.arg(0).is_undefined()) return Value();
  std::vector<Value> items = to_items(call.arg(0));
  if (items.empty()) return Value();
  double best = items[0].as_number();
  for (const Value& item : items) {
    double n = item.as_number();
    if (Max ? n > best : n < best) best = n;
  }
  return Value::number(best);
}

Value fn_average(Call& call) {
  if (call.arg(0).is_undefined()) return Value();
  std::vector<Value> items = to_items(call.arg(0));
  if (items.empty()) return Value();
  double total = 0;
  for (const Value& item : items) total += item.as_number();
  return Value::number(total / static_cast<double>(items.size()));
}

Value fn_count(Call& call) {
  if (call.arg(0).is_undefined()) return Value::number(0);
  return Value::number(static_cast<double>(array_size(call.arg(0))));
}

Value fn_boolean(Call& call) {
  std::optional<bool> result = to_boolean(call.arg(0));
  return result ? Value::boolean(*result) : Value();
}

Value fn_not(Call& call) {
  std::optional<bool> result = to_boolean(call.arg(0));
  return result ? Value::boolean(!*result) : Value();
}

Value fn_exists(Call& call) { return Value::boolean(!call.arg(0).is_undefined()); }

}  // namespace

void add_aggregate_functions(BuiltinTable& table) {
  table.add("sum", "<a<n>:n>", fn_sum);
  table.add("max", "<a<n>:n>", extreme<true>);
  table.add("min", "<a<n>:n>", extreme<false>);
  table.add("average", "<a<n>:n>", fn_average);
  table.add("count", "<a:n>", fn_count);
  table.add("boolean", "<x-:b>", fn_boolean);
  table.add("not", "<x-:b>", fn_not);
  table.add("exists", "<x:b>", fn_exists);
}

}  // namespace flowrun::jsonata
