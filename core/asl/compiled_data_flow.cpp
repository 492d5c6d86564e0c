#include "core/asl/compiled_data_flow.hpp"

#include <fmt/format.h>

#include <vector>

#include "core/asl/jsonpath.hpp"

namespace flowrun::asl {

using nlohmann::json;

namespace {

constexpr const char* kRuntime = "States.Runtime";
constexpr const char* kResultPathMatchFailure = "States.ResultPathMatchFailure";

const json* find_field(const json& object, const char* key) {
  auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

std::optional<CompiledTemplate> compile_template(const json* field) {
  if (!field) return std::nullopt;
  return CompiledTemplate(*field);
}

std::optional<CompiledExpression> compile_expression(const json* field) {
  if (!field || !field->is_string()) return std::nullopt;
  return CompiledExpression(field->get_ref<const std::string&>());
}

}  // namespace

std::optional<CompiledPath> compile_path_field(const json* field, const char* name,
                                               std::string_view syntax_error_name) {
  if (!field || field->is_null()) return std::nullopt;
  return CompiledPath(*field, fmt::format("'{}' must be a string path or null", name),
                      syntax_error_name);
}

CompiledPath::CompiledPath(const json& field, std::string_view not_string_cause,
                           std::string_view syntax_error_name) {
  if (!field.is_string()) {
    error_ = kRuntime;
    cause_ = not_string_cause;
    return;
  }
  try {
    path_ = parse_path(field.get_ref<const std::string&>(), syntax_error_name);
  } catch (const AslError& error) {
    error_ = error.error();
    cause_ = error.cause();
  }
}

const JsonPath& CompiledPath::path() const {
  if (!path_) throw AslError(error_, cause_);
  return *path_;
}

std::shared_ptr<const CompiledDataFlow> compile_data_flow(const json& definition,
                                                          const DataFields& fields) {
  auto flow = std::make_shared<CompiledDataFlow>();
  flow->input_path = compile_path_field(fields.input_path, "InputPath", kRuntime);
  flow->result_path = compile_path_field(fields.result_path, "ResultPath", kResultPathMatchFailure);
  flow->output_path = compile_path_field(fields.output_path, "OutputPath", kRuntime);
  flow->parameters = compile_template(fields.parameters);
  flow->result_selector = compile_template(fields.result_selector);
  if (fields.assign && fields.assign->is_object() && !fields.assign->empty()) {
    flow->assign.emplace(*fields.assign);
  }
  if (!definition.is_object()) return flow;
  if (const json* type = find_field(definition, "Type"); type && *type == "Map") {
    compile_map_fields(definition, *flow);
  }
  flow->error_path = compile_expression(find_field(definition, "ErrorPath"));
  flow->cause_path = compile_expression(find_field(definition, "CausePath"));
  return flow;
}

void compile_map_fields(const json& state, CompiledDataFlow& flow) {
  if (!state.is_object()) return;
  const json* items_path = find_field(state, "ItemsPath");
  if (items_path && !items_path->is_null()) {
    flow.items_path.emplace(*items_path, "ItemsPath must be a path", kRuntime);
  }
  const json* selector = find_field(state, "ItemSelector");
  flow.item_selector = compile_template(selector ? selector : find_field(state, "Parameters"));
}

bool mentions_context(const json& definition) {
  // Without recursion: a definition may be nested deeper than the stack allows.
  std::vector<const json*> pending = {&definition};
  while (!pending.empty()) {
    const json* value = pending.back();
    pending.pop_back();
    if (value->is_string()) {
      if (value->get_ref<const std::string&>().find("$$") != std::string::npos) return true;
    } else if (value->is_structured()) {
      for (const json& item : *value) pending.push_back(&item);
    }
  }
  return false;
}

}  // namespace flowrun::asl
