#include "core/asl/jsonata_state.hpp"

#include "core/asl/data_flow.hpp"

namespace flowrun::asl {
namespace {

using nlohmann::json;

// The fields whose values may hold `{% %}` expressions (developer guide, each state's page).
constexpr const char* kStateFields[] = {"Arguments",
                                        "Output",
                                        "Assign",
                                        "Items",
                                        "ItemSelector",
                                        "Seconds",
                                        "Timestamp",
                                        "TimeoutSeconds",
                                        "HeartbeatSeconds",
                                        "MaxConcurrency",
                                        "ToleratedFailureCount",
                                        "ToleratedFailurePercentage",
                                        "Error",
                                        "Cause",
                                        "ItemBatcher",
                                        "ItemReader"};
constexpr const char* kRuleFields[] = {"Condition", "Output", "Assign"};
constexpr const char* kCatcherFields[] = {"Output", "Assign"};

JsonataFields compile_fields(const json& object, std::span<const char* const> names) {
  JsonataFields out;
  if (!object.is_object()) return out;
  for (const char* name : names) {
    if (auto found = object.find(name); found != object.end()) {
      out.values.emplace_back(name, JsonataValue::compile(*found));
    }
  }
  return out;
}

std::vector<JsonataFields> compile_list(const json& definition, const char* key,
                                        std::span<const char* const> names) {
  std::vector<JsonataFields> out;
  auto list = definition.find(key);
  if (list == definition.end() || !list->is_array()) return out;
  for (const json& entry : *list) out.push_back(compile_fields(entry, names));
  return out;
}

}  // namespace

std::span<const char* const> jsonata_state_fields() { return kStateFields; }

const JsonataValue* JsonataFields::find(std::string_view name) const {
  for (const auto& [key, value] : values) {
    if (key == name) return &value;
  }
  return nullptr;
}

std::shared_ptr<const JsonataState> compile_jsonata_state(const json& definition) {
  auto state = std::make_shared<JsonataState>();
  if (!definition.is_object()) return state;
  state->fields = compile_fields(definition, jsonata_state_fields());
  state->rules = compile_list(definition, "Choices", kRuleFields);
  state->catchers = compile_list(definition, "Catch", kCatcherFields);
  return state;
}

const json* StatesEnvironment::lookup(std::string_view name) const {
  if (name == "states") {
    if (states_.is_null()) {
      states_ = json{{"input", input_}, {"context", context_}};
      if (result_) states_["result"] = *result_;
      if (error_output_) states_["errorOutput"] = *error_output_;
    }
    return &states_;
  }
  if (!variables_.is_object()) return nullptr;
  auto found = variables_.find(std::string(name));
  return found == variables_.end() ? nullptr : &*found;
}

json evaluate_jsonata_field(const JsonataFields& fields, std::string_view name,
                            const StatesEnvironment& environment, const json& input,
                            std::string_view state, json fallback) {
  const JsonataValue* value = fields.find(name);
  if (!value) return fallback;
  return value->evaluate(input, environment, state, name);
}

json evaluate_jsonata_assign(const JsonataFields& fields, const StatesEnvironment& environment,
                             const json& input, std::string_view state) {
  const JsonataValue* assign = fields.find("Assign");
  if (!assign) return json::object();
  json values = assign->evaluate(input, environment, state, "Assign");
  if (!values.is_object()) {
    throw_query_error("Assign of state '" + std::string(state) +
                      "' must be an object of variables");
  }
  return values;
}

void throw_query_error(std::string cause) {
  throw AslError("States.QueryEvaluationError", std::move(cause));
}

}  // namespace flowrun::asl
