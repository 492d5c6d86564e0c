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
  if (!assign.is_object() || assign.empty()) return;
  nlohmann::json values = evaluate_payload_template(assign, value, context);
  if (!scope.is_object()) scope = nlohmann::json::object();
  for (auto it = values.begin(); it != values.end(); ++it) scope[it.key()] = std::move(*it);
}

}  // namespace flowrun::asl
