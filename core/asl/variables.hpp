#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

// State machine variables (specification, "State Machine Variables"): a state's `Assign`
// gives names values that later states of the same scope read as `$name` in any path. The
// interpreter keeps one scope per frame (the top level, each Parallel branch, each Map
// iteration, which start with a copy of the scope that enclosed them) and names the scope of
// the state it evaluates as the current one, so every path evaluation (payload templates,
// intrinsic arguments, Choice rules, ...) can read variables without each signature
// carrying the scope. An execution runs on one thread, so the current scope is per thread.

namespace flowrun::asl {

/// Makes `scope` (a JSON object of variables, or nullptr for none) the one `$name` reads.
void set_current_variables(const nlohmann::json* scope);

/// The value of variable `name` in the current scope, or nullptr when it has none.
const nlohmann::json* find_variable(std::string_view name);

/// Evaluates an `Assign` object (a payload template: `name.$` fields take a path or an
/// intrinsic call on `value`) and stores the results in `scope`. Every new value is worked
/// out first, with the scope as it was, then all are stored (specification: "each
/// variable's new value only takes effect in the next state").
void assign_variables(const nlohmann::json& assign, const nlohmann::json& value,
                      const nlohmann::json& context, nlohmann::json& scope);

/// The values an `Assign` object gives (evaluated as assign_variables does), not yet stored:
/// an object of name -> value, empty when `assign` assigns nothing.
nlohmann::json evaluate_assignment(const nlohmann::json& assign, const nlohmann::json& value,
                                   const nlohmann::json& context);

/// Stores `values` (an object of name -> value) in `scope`, over the values it had.
void store_variables(const nlohmann::json& values, nlohmann::json& scope);

/// `values` as a history event's `assignedVariables` (Step Functions' StateExited details):
/// an object of name -> the value's JSON text.
std::string assigned_variables_text(const nlohmann::json& values);

/// The start of a `...StateExited` event's detail, up to the output: `{"output":` when
/// `assigned` is empty, else with the `assignedVariables` the state assigned before it.
std::string exited_event_head(const nlohmann::json& assigned);

/// The variables an `assignedVariables` object of a recorded event gives back, stored in
/// `scope`; names whose text is not JSON are skipped.
void restore_assigned_variables(const nlohmann::json& assigned, nlohmann::json& scope);

}  // namespace flowrun::asl
