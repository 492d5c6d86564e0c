#include <algorithm>
#include <random>

#include "core/jsonata/builtins.hpp"
#include "core/jsonata/errors.hpp"
#include "core/jsonata/evaluator.hpp"
#include "core/jsonata/sequence_ops.hpp"

// Array functions (docs.jsonata.org/array-functions) other than the higher-order ones.

namespace flowrun::jsonata {
namespace {

Value fn_append(Call& call) { return append_values(call.arg(0), call.arg(1)); }

Value fn_reverse(Call& call) {
  if (call.arg(0).is_undefined()) return Value();
  std::vector<Value> items = to_items(call.arg(0));
  std::reverse(items.begin(), items.end());
  return make_array_value(std::move(items));
}

Value fn_shuffle(Call& call) {
  if (call.arg(0).is_undefined()) return Value();
  std::vector<Value> items = to_items(call.arg(0));
  std::shuffle(items.begin(), items.end(), call.evaluator.random());
  return make_array_value(std::move(items));
}

Value fn_distinct(Call& call) {
  const Value& arg = call.arg(0);
  if (arg.is_undefined()) return Value();
  if (!arg.is_array() || array_size(arg) <= 1) return arg;
  std::vector<Value> distinct;
  for (const Value& item : to_items(arg)) {
    bool seen = std::any_of(distinct.begin(), distinct.end(),
                            [&](const Value& kept) { return deep_equal(kept, item); });
    if (!seen) distinct.push_back(item);
  }
  return make_sequence_value(std::move(distinct));
}

Value fn_zip(Call& call) {
  std::vector<std::vector<Value>> arrays;
  std::size_t length = std::string::npos;
  for (const Value& arg : call.args) {
    arrays.push_back(to_items(arg));
    length = std::min(length, arrays.back().size());
  }
  if (arrays.empty()) length = 0;
  std::vector<Value> tuples;
  for (std::size_t i = 0; i < length; ++i) {
    std::vector<Value> tuple;
    for (const auto& array : arrays) tuple.push_back(array[i]);
    tuples.push_back(make_array_value(std::move(tuple)));
  }
  return make_array_value(std::move(tuples));
}

Value fn_sort(Call& call) {
  const Value& arg = call.arg(0);
  if (arg.is_undefined()) return Value();
  std::vector<Value> items = to_items(arg);
  if (items.size() <= 1) return arg;
  const Value& comparator = call.arg(1);
  if (comparator.is_undefined()) {
    bool numbers =
        std::all_of(items.begin(), items.end(), [](const Value& v) { return v.is_number(); });
    bool strings =
        std::all_of(items.begin(), items.end(), [](const Value& v) { return v.is_string(); });
    if (!numbers && !strings) call.fail("D3070");
    std::stable_sort(items.begin(), items.end(), [&](const Value& a, const Value& b) {
      return numbers ? a.as_number() < b.as_number() : a.as_string() < b.as_string();
    });
  } else {
    // The comparator answers "should a come after b?" (jsonata-js's merge sort swaps then).
    std::stable_sort(items.begin(), items.end(), [&](const Value& a, const Value& b) {
      Value swap = call.evaluator.apply(comparator, {b, a}, Value(), call.position);
      return to_boolean(swap).value_or(false);
    });
  }
  return make_array_value(std::move(items));
}

}  // namespace

void add_array_functions(BuiltinTable& table) {
  table.add("append", "<xx:a>", fn_append);
  table.add("reverse", "<a:a>", fn_reverse);
  table.add("shuffle", "<a:a>", fn_shuffle);
  table.add("distinct", "<x:x>", fn_distinct);
  table.add("zip", "<a+>", fn_zip);
  table.add("sort", "<af?:a>", fn_sort);
}

}  // namespace flowrun::jsonata
