#include "core/jsonata/builtins.hpp"

#include "core/jsonata/evaluator.hpp"

namespace flowrun::jsonata {

void BuiltinTable::add(std::string_view name, std::string_view signature,
                       BuiltinImpl implementation) {
  const Builtin& builtin = builtins_.emplace_back(
      Builtin{std::string(name), parse_signature(signature), implementation});
  auto function = std::make_shared<Function>(Function::Kind::Builtin);
  function->builtin = &builtin;
  functions_.emplace_back(std::string(name), Value::function(std::move(function)));
}

const Value* BuiltinTable::find(std::string_view name) const {
  // From the back, so that a later group can replace a function (Step Functions' $random).
  for (auto it = functions_.rbegin(); it != functions_.rend(); ++it) {
    if (it->first == name) return &it->second;
  }
  return nullptr;
}

Value make_array_value(std::vector<Value> items) {
  auto array = make_array();
  array->items = std::move(items);
  return Value::sequence(std::move(array));
}

const Value* find_builtin(std::string_view name) {
  static const BuiltinTable table = [] {
    BuiltinTable t;
    add_string_functions(t);
    add_encoding_functions(t);
    add_regex_functions(t);
    add_numeric_functions(t);
    add_aggregate_functions(t);
    add_array_functions(t);
    add_higher_order_functions(t);
    add_object_functions(t);
    add_date_functions(t);
    add_format_functions(t);
    // Last, so that Step Functions' $random(seed) replaces JSONata's $random().
    add_step_functions_functions(t);
    return t;
  }();
  return table.find(name);
}

}  // namespace flowrun::jsonata
