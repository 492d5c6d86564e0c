#pragma once

#include <deque>
#include <string_view>
#include <vector>

#include "core/jsonata/function.hpp"

// The built-in function library, one file per group; each group adds its functions to the
// table that find_builtin (evaluator.hpp) searches.

namespace flowrun::jsonata {

class BuiltinTable {
 public:
  void add(std::string_view name, std::string_view signature, BuiltinImpl implementation);
  const Value* find(std::string_view name) const;

 private:
  std::deque<Builtin> builtins_;  // stable addresses: functions point at their Builtin
  std::vector<std::pair<std::string, Value>> functions_;
};

void add_string_functions(BuiltinTable& table);
void add_encoding_functions(BuiltinTable& table);
void add_regex_functions(BuiltinTable& table);
void add_numeric_functions(BuiltinTable& table);
void add_aggregate_functions(BuiltinTable& table);
void add_array_functions(BuiltinTable& table);
void add_higher_order_functions(BuiltinTable& table);
void add_object_functions(BuiltinTable& table);
void add_date_functions(BuiltinTable& table);
void add_step_functions_functions(BuiltinTable& table);
void add_format_functions(BuiltinTable& table);

/// JSONata's $round: half to even at `precision` decimal places, shifting the decimal point
/// through the number's text so that 3.45 rounds as the decimal it reads as.
double round_half_even(double value, int precision);

/// A constructed array value holding `items`.
Value make_array_value(std::vector<Value> items);

}  // namespace flowrun::jsonata
