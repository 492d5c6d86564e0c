#include <fmt/format.h>

#include <cctype>

#include "core/load/load_step.hpp"
#include "core/load/load_workflow.hpp"
#include "core/load/param_values.hpp"
#include "core/util/regex.hpp"
#include "core/util/text.hpp"

namespace flowrun {
namespace {

bool is_param_name(std::string_view name) {
  if (name.empty() || !(std::isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_')) {
    return false;
  }
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') return false;
  }
  return true;
}

bool matches_type(const Node& value, std::string_view type) {
  if (type == "string") return value.is_scalar() && !value.is_null();
  if (type == "integer") return value.kind == Node::Kind::Integer;
  if (type == "number") return value.is_number();
  if (type == "boolean") return value.kind == Node::Kind::Bool;
  if (type == "array") return value.is_sequence();
  if (type == "object") return value.is_mapping();
  return true;
}

std::string type_phrase(std::string_view type) {
  if (type == "integer") return "an integer";
  if (type == "array") return "a list";
  if (type == "object") return "a mapping";
  return fmt::format("a {}", type);
}

// Strings keep their text, so that `default: 2024` of a string param is "2024".
nlohmann::json typed_value(const Node& value, std::string_view type) {
  if (type == "string") return value.text;
  return to_json(value);
}

void read_param_type(FieldReader& r, const Node& value, Param& param, std::string_view noun) {
  auto text = r.read_string(value, "type");
  if (!text) return;
  for (const auto& name : param_type_names()) {
    if (*text == name) {
      param.type = name;
      return;
    }
  }
  auto& diag = r.error("bad-param", value,
                       fmt::format("{} '{}' has unknown type '{}'", noun, param.name, *text));
  if (auto suggestion = closest_match(*text, param_type_names())) {
    diag.note(fmt::format("did you mean '{}'?", *suggestion));
  } else {
    diag.note("the types are " + quote_alternatives(param_type_names()));
  }
}

void check_default(FieldReader& r, const Node& value, const Param& param, std::string_view noun) {
  if (!param.enum_values.empty()) {
    nlohmann::json typed = typed_value(value, param.type);
    bool listed = false;
    for (const auto& allowed : param.enum_values) listed = listed || allowed == typed;
    if (!listed) {
      r.error("bad-param", value,
              fmt::format("default of {} '{}' is not one of its 'enum' values", noun, param.name));
    }
  }
  if (param.pattern && param.type == "string") {
    PatternCheck check = check_pattern(*param.pattern, value.text);
    if (!check.failure.empty()) {
      r.error("bad-param", value,
              fmt::format("default of {} '{}' cannot be checked against its pattern '{}': {}", noun,
                          param.name, *param.pattern, check.failure));
    } else if (!check.matches) {
      r.error("bad-param", value,
              fmt::format("default of {} '{}' does not match its pattern '{}'", noun, param.name,
                          *param.pattern));
    }
  }
  if (value.is_number()) {
    double number =
        value.kind == Node::Kind::Integer ? static_cast<double>(value.integer) : value.number;
    if ((param.minimum && number < *param.minimum) || (param.maximum && number > *param.maximum)) {
      r.error(
          "bad-param", value,
          fmt::format("default of {} '{}' is outside its minimum and maximum", noun, param.name));
    }
  }
}

void read_enum(FieldReader& r, const Node& value, Param& param, std::string_view noun) {
  if (!value.is_sequence() || value.items.empty()) {
    r.wrong_type(value, "enum", "a non-empty list of allowed values");
    return;
  }
  for (const auto& item : value.items) {
    if (!matches_type(item, param.type)) {
      r.error("bad-param", item,
              fmt::format("'enum' values of {} '{}' must be {} (its type), not {}", noun,
                          param.name, type_phrase(param.type), describe_kind(item.kind)));
      continue;
    }
    param.enum_values.push_back(typed_value(item, param.type));
  }
}

void read_pattern(FieldReader& r, const Node& value, Param& param, std::string_view noun) {
  auto text = r.read_string(value, "pattern");
  if (!text) return;
  if (param.type != "string") {
    r.error("bad-param", value,
            fmt::format("'pattern' only applies to string {}s; '{}' is {}", noun, param.name,
                        type_phrase(param.type)));
    return;
  }
  try {
    Regex compiled(*text);
    param.pattern = *text;
  } catch (const RegexSyntaxError& error) {
    r.error("bad-param", value,
            fmt::format("'pattern' of {} '{}' is not a valid regular expression", noun, param.name))
        .note(fmt::format("PCRE2: {} at offset {} of the pattern", error.what(), error.offset()));
  }
}

void read_bounds(FieldReader& r, const Node& mapping, Param& param, std::string_view noun) {
  for (const char* key : {"minimum", "maximum"}) {
    const Node* value = mapping.find(key);
    if (!value) continue;
    auto number = r.read_number(*value, key);
    if (!number) continue;
    if (param.type != "integer" && param.type != "number") {
      r.error("bad-param", *value,
              fmt::format("'{}' only applies to integer and number {}s; '{}' is {}", key, noun,
                          param.name, type_phrase(param.type)));
      continue;
    }
    (std::string_view(key) == "minimum" ? param.minimum : param.maximum) = *number;
  }
  if (param.minimum && param.maximum && *param.minimum > *param.maximum) {
    r.error("bad-param", *mapping.find("maximum"),
            fmt::format("{} '{}' has a maximum below its minimum", noun, param.name));
  }
}

void read_param_declaration(FieldReader& r, const Node& mapping, Param& param,
                            const FieldSyntax& syntax) {
  const std::string_view noun = syntax.noun;
  r.check_keys(mapping, syntax.keys ? *syntax.keys : param_keys(),
               fmt::format("in {} '{}'", noun, param.name));
  if (const Node* type = mapping.find("type")) read_param_type(r, *type, param, noun);
  if (const Node* required = mapping.find("required")) {
    param.required = r.read_bool(*required, "required").value_or(false);
  }
  if (const Node* secret = mapping.find("secret")) {
    param.secret = r.read_bool(*secret, "secret").value_or(false);
  }
  if (const Node* description = mapping.find("description")) {
    param.description = r.read_string(*description, "description").value_or("");
  }
  if (const Node* values = mapping.find("enum")) read_enum(r, *values, param, noun);
  if (const Node* pattern = mapping.find("pattern")) read_pattern(r, *pattern, param, noun);
  read_bounds(r, mapping, param, noun);
  const Node* value = mapping.find("default");
  if (!value || value->is_null()) return;
  if (!matches_type(*value, param.type)) {
    r.error("bad-param", *value,
            fmt::format("default of {} '{}' must be {} (its type), not {}", noun, param.name,
                        type_phrase(param.type), describe_kind(value->kind)));
    return;
  }
  param.default_value = typed_value(*value, param.type);
  check_default(r, *value, param, noun);
}

}  // namespace

std::vector<Param> load_params(FieldReader& r, const Node& node, const FieldSyntax& syntax) {
  std::vector<Param> params;
  if (!node.is_mapping()) {
    r.wrong_type(node, std::string(syntax.block),
                 fmt::format("a mapping of {} names to defaults or declarations", syntax.noun));
    return params;
  }
  for (const auto& entry : node.entries) {
    Param param;
    param.name = entry.key.text;
    param.pos = entry.key.pos;
    if (!is_param_name(param.name)) {
      r.error("bad-param", entry.key,
              fmt::format("{} name '{}' is not valid: use letters, digits, '_' and '-', "
                          "starting with a letter or '_'",
                          syntax.noun, param.name));
    }
    const Node& value = entry.value;
    if (value.is_mapping()) {
      read_param_declaration(r, value, param, syntax);
    } else if (value.is_scalar()) {
      if (!value.is_null()) param.default_value = value.text;
    } else {
      r.wrong_type(value, std::string(syntax.block) + "." + param.name,
                   "a default value or a mapping with 'type' and 'default'");
    }
    params.push_back(std::move(param));
  }
  return params;
}

std::vector<Secret> load_secrets(FieldReader& r, const Node& node) {
  std::vector<Secret> secrets;
  if (!node.is_mapping()) {
    r.wrong_type(node, "secrets", "a mapping of secret names to 'from_env' or 'from_file'");
    return secrets;
  }
  for (const auto& entry : node.entries) {
    Secret secret;
    secret.name = entry.key.text;
    secret.pos = entry.key.pos;
    const Node& value = entry.value;
    if (!value.is_mapping()) {
      r.wrong_type(value, "secrets." + secret.name, "a mapping with 'from_env' or 'from_file'");
      continue;
    }
    r.check_keys(value, secret_keys(), fmt::format("in secret '{}'", secret.name));
    if (const Node* env = value.find("from_env")) secret.from_env = r.read_string(*env, "from_env");
    if (const Node* file = value.find("from_file")) {
      secret.from_file = r.read_string(*file, "from_file");
    }
    bool has_env = value.find("from_env") != nullptr;
    bool has_file = value.find("from_file") != nullptr;
    if (has_env == has_file) {
      r.error(
          "bad-secret", entry.key,
          fmt::format("secret '{}' needs exactly one of 'from_env' or 'from_file'", secret.name));
    }
    secrets.push_back(std::move(secret));
  }
  return secrets;
}

}  // namespace flowrun
