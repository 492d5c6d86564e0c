#include "core/exec/json_schema.hpp"

namespace flowrun {
namespace {

std::string type_of(const nlohmann::json& value) {
  if (value.is_null()) return "null";
  if (value.is_boolean()) return "boolean";
  if (value.is_number_integer()) return "integer";
  if (value.is_number()) return "number";
  if (value.is_string()) return "string";
  if (value.is_array()) return "array";
  return "object";
}

bool has_type(const nlohmann::json& value, const std::string& type) {
  std::string actual = type_of(value);
  return actual == type || (type == "number" && actual == "integer");
}

std::string check(const nlohmann::json& value, const nlohmann::json& schema,
                  const std::string& path) {
  if (!schema.is_object()) return {};
  if (schema.contains("type")) {
    const nlohmann::json& type = schema["type"];
    bool ok = type.is_string() ? has_type(value, type.get<std::string>()) : !type.is_array();
    if (type.is_array()) {
      for (const auto& item : type) ok = ok || (item.is_string() && has_type(value, item));
    }
    if (!ok)
      return path + ": must be " + (type.is_string() ? type.get<std::string>() : type.dump()) +
             ", not " + type_of(value);
  }
  if (schema.contains("enum") && schema["enum"].is_array()) {
    bool found = false;
    for (const auto& choice : schema["enum"]) found = found || choice == value;
    if (!found) return path + ": must be one of " + schema["enum"].dump();
  }
  if (value.is_number() && schema.contains("minimum") &&
      value.get<double>() < schema["minimum"].get<double>()) {
    return path + ": must be at least " + schema["minimum"].dump();
  }
  if (value.is_number() && schema.contains("maximum") &&
      value.get<double>() > schema["maximum"].get<double>()) {
    return path + ": must be at most " + schema["maximum"].dump();
  }
  if (value.is_object()) {
    const nlohmann::json properties = schema.value("properties", nlohmann::json::object());
    if (schema.contains("required") && schema["required"].is_array()) {
      for (const auto& name : schema["required"]) {
        if (name.is_string() && !value.contains(name.get<std::string>())) {
          return path + ": '" + name.get<std::string>() + "' is required";
        }
      }
    }
    bool closed =
        schema.contains("additionalProperties") && schema["additionalProperties"] == false;
    for (const auto& [key, item] : value.items()) {
      if (properties.contains(key)) {
        std::string problem = check(item, properties[key], path + "." + key);
        if (!problem.empty()) return problem;
      } else if (closed) {
        return path + ": unexpected key '" + key + "'";
      }
    }
  }
  if (value.is_array() && schema.contains("items")) {
    for (std::size_t i = 0; i < value.size(); ++i) {
      std::string problem = check(value[i], schema["items"], path + "[" + std::to_string(i) + "]");
      if (!problem.empty()) return problem;
    }
  }
  return {};
}

}  // namespace

std::string check_json_schema(const nlohmann::json& value, const nlohmann::json& schema) {
  return check(value, schema, "$");
}

}  // namespace flowrun
