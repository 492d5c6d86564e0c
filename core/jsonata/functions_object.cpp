#include "core/jsonata/builtins.hpp"
#include "core/jsonata/errors.hpp"
#include "core/jsonata/evaluator.hpp"
#include "core/jsonata/sequence_ops.hpp"

// Object functions (docs.jsonata.org/object-functions) and $error, $assert, $type.

namespace flowrun::jsonata {
namespace {

void collect_keys(const Value& value, std::vector<std::string>& keys) {
  if (value.is_array()) {
    for (const Value& item : to_items(value)) collect_keys(item, keys);
  } else if (value.is_object()) {
    for (auto it = value.data().begin(); it != value.data().end(); ++it) {
      if (std::find(keys.begin(), keys.end(), it.key()) == keys.end()) keys.push_back(it.key());
    }
  }
}

Value fn_keys(Call& call) {
  std::vector<std::string> keys;
  collect_keys(call.arg(0), keys);
  std::vector<Value> values;
  for (std::string& key : keys) values.push_back(Value::string(std::move(key)));
  return make_sequence_value(std::move(values));
}

Value fn_lookup(Call& call) { return lookup_field(call.arg(0), call.arg(1).as_string()); }

Value fn_spread(Call& call) {
  const Value& arg = call.arg(0);
  if (arg.is_array()) {
    Value result;
    for (const Value& item : to_items(arg)) {
      std::vector<Value> args{item};
      Call inner{call.evaluator, args, call.input, call.position, call.name};
      result = append_values(result, fn_spread(inner));
    }
    return result;
  }
  if (!arg.is_object()) return arg;
  std::vector<Value> parts;
  for (auto it = arg.data().begin(); it != arg.data().end(); ++it) {
    parts.push_back(Value::own(json{{it.key(), it.value()}}));
  }
  return make_sequence_value(std::move(parts));
}

Value fn_merge(Call& call) {
  if (call.arg(0).is_undefined()) return Value();
  json merged = json::object();
  for (const Value& item : to_items(call.arg(0))) {
    for (auto it = item.data().begin(); it != item.data().end(); ++it)
      merged[it.key()] = it.value();
  }
  return Value::own(std::move(merged));
}

Value fn_error(Call& call) {
  std::string message =
      call.arg(0).is_string() ? call.arg(0).as_string() : "$error() function evaluated";
  throw Error("D3137", call.position, message);
}

Value fn_assert(Call& call) {
  if (call.arg(0).data().get<bool>()) return Value();
  std::string message =
      call.arg(1).is_string() ? call.arg(1).as_string() : "$assert() statement failed";
  throw Error("D3141", call.position, message);
}

Value fn_type(Call& call) {
  if (call.arg(0).is_undefined()) return Value();
  return Value::string(type_name(call.arg(0)));
}

}  // namespace

void add_object_functions(BuiltinTable& table) {
  table.add("keys", "<x-:a<s>>", fn_keys);
  table.add("lookup", "<x-s:x>", fn_lookup);
  table.add("spread", "<x-:a<o>>", fn_spread);
  table.add("merge", "<a<o>:o>", fn_merge);
  table.add("error", "<s?:x>", fn_error);
  table.add("assert", "<bs?:x>", fn_assert);
  table.add("type", "<x:s>", fn_type);
}

}  // namespace flowrun::jsonata
