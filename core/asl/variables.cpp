#include "core/asl/variables.hpp"

#include "core/asl/data_flow.hpp"

namespace flowrun::asl {
namespace {

thread_local const nlohmann::json* current_scope = nullptr;

}  // namespace

void set_current_variables(const nlohmann::json* scope) { current_scope = scope; }

const nlohmann::json* find_variable(std::string_view name) {
  if (!current_scope || !current_scope->is_object()) return nullptr;
  auto found = current_scope->find(std::string(name));
  return found == current_scope->end() ? nullptr : &*found;
}

void assign_variables(const nlohmann::json& assign, const nlohmann::json& value,
                      const nlohmann::json& context, nlohmann::json& scope) {
  store_variables(evaluate_assignment(assign, value, context), scope);
}

nlohmann::json evaluate_assignment(const nlohmann::json& assign, const nlohmann::json& value,
                                   const nlohmann::json& context) {
  if (!assign.is_object() || assign.empty()) return nlohmann::json::object();
  return evaluate_payload_template(assign, value, context);
}

void store_variables(const nlohmann::json& values, nlohmann::json& scope) {
  if (!values.is_object() || values.empty()) return;
  if (!scope.is_object()) scope = nlohmann::json::object();
  for (auto it = values.begin(); it != values.end(); ++it) scope[it.key()] = *it;
}

std::string assigned_variables_text(const nlohmann::json& values) {
  nlohmann::json texts = nlohmann::json::object();
  for (auto it = values.begin(); it != values.end(); ++it) {
    texts[it.key()] = it->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  return texts.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string exited_event_head(const nlohmann::json& assigned) {
  if (!assigned.is_object() || assigned.empty()) return "{\"output\":";
  return "{\"assignedVariables\":" + assigned_variables_text(assigned) +
         ",\"assignedVariablesDetails\":{\"truncated\":false},\"output\":";
}

void restore_assigned_variables(const nlohmann::json& assigned, nlohmann::json& scope) {
  if (!assigned.is_object()) return;
  for (auto it = assigned.begin(); it != assigned.end(); ++it) {
    if (!it->is_string()) continue;
    nlohmann::json value = nlohmann::json::parse(it->get_ref<const std::string&>(), nullptr, false);
    if (value.is_discarded()) continue;
    if (!scope.is_object()) scope = nlohmann::json::object();
    scope[it.key()] = std::move(value);
  }
}

}  // namespace flowrun::asl
