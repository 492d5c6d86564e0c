#include "core/validate/plugin_checks.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <map>

#include "core/exec/builtin_plugins.hpp"
#include "core/expr/template.hpp"
#include "core/util/text.hpp"

namespace flowrun {
namespace {

const char* const kStepLists[] = {"steps",     "on_success", "on_failure",
                                  "on_cancel", "on_exit",    "on_late"};

bool matches_type(const Node& node, const std::string& type) {
  switch (node.kind) {
    case Node::Kind::Null:
      return type == "null";
    case Node::Kind::Bool:
      return type == "boolean";
    case Node::Kind::Integer:
      return type == "integer" || type == "number";
    case Node::Kind::Float:
      return type == "number";
    case Node::Kind::String:
      return type == "string";
    case Node::Kind::Sequence:
      return type == "array";
    case Node::Kind::Mapping:
      return type == "object";
  }
  return false;
}

std::string type_words(const nlohmann::json& type) {
  if (type.is_string()) return type.get<std::string>();
  std::vector<std::string> words;
  for (const auto& item : type) {
    if (item.is_string()) words.push_back(item.get<std::string>());
  }
  return join(words, " or ");
}

// Checks one value against a (sub)schema; `where` names it in messages ("'with.url'").
class SchemaChecker {
 public:
  SchemaChecker(const std::string& file, const std::string& plugin, Diagnostics& diagnostics)
      : file_(file), plugin_(plugin), diagnostics_(diagnostics) {}

  /// `key_pos` is where the value's key is written: a missing key is reported there.
  void check(const Node& value, const nlohmann::json& schema, const std::string& where,
             SourcePos key_pos) {
    if (!schema.is_object()) return;
    // A `${{ }}` string is only known at run time.
    if (value.is_string() && expr::has_expression(value.text)) return;
    if (!check_type(value, schema, where)) return;
    if (schema.contains("enum") && schema["enum"].is_array() && value.is_scalar()) {
      check_enum(value, schema["enum"], where);
    }
    if (value.is_mapping()) check_object(value, schema, where, key_pos);
    if (value.is_sequence() && schema.contains("items")) {
      for (const Node& item : value.items) check(item, schema["items"], where + "[]", item.pos);
    }
  }

  void check_object(const Node& value, const nlohmann::json& schema, const std::string& where,
                    SourcePos key_pos) {
    const nlohmann::json properties = schema.value("properties", nlohmann::json::object());
    const bool closed = schema.contains("additionalProperties") &&
                        schema["additionalProperties"].is_boolean() &&
                        !schema["additionalProperties"].get<bool>();
    std::vector<std::string> names;
    for (const auto& [name, sub] : properties.items()) names.push_back(name);
    for (const Node::Entry& entry : value.entries) {
      const std::string& key = entry.key.text;
      if (properties.contains(key)) {
        check(entry.value, properties[key], where + "." + key, entry.key.pos);
      } else if (closed) {
        Diagnostic& d = diagnostics_.error(
            "plugin-unknown-key", file_, entry.key.pos,
            fmt::format("plugin '{}' has no input '{}' (in '{}')", plugin_, key, where),
            entry.key.span);
        if (auto suggestion = closest_match(key, names)) {
          d.note(fmt::format("did you mean '{}'?", *suggestion));
        } else if (!names.empty()) {
          d.note(fmt::format("it takes {}", join(names, ", ")));
        }
      }
    }
    if (!schema.contains("required") || !schema["required"].is_array()) return;
    for (const auto& required : schema["required"]) {
      if (!required.is_string()) continue;
      const std::string name = required.get<std::string>();
      if (!value.find(name)) {
        diagnostics_.error("plugin-missing-key", file_, key_pos,
                           fmt::format("plugin '{}' needs '{}' in '{}'", plugin_, name, where));
      }
    }
  }

 private:
  bool check_type(const Node& value, const nlohmann::json& schema, const std::string& where) {
    if (!schema.contains("type")) return true;
    const nlohmann::json& type = schema["type"];
    bool ok = false;
    if (type.is_string()) ok = matches_type(value, type.get<std::string>());
    if (type.is_array()) {
      for (const auto& item : type) ok = ok || (item.is_string() && matches_type(value, item));
    }
    if (!type.is_string() && !type.is_array()) ok = true;
    if (!ok) {
      diagnostics_.error("plugin-wrong-type", file_, value.pos,
                         fmt::format("'{}' of plugin '{}' must be {}, not {}", where, plugin_,
                                     type_words(type), describe_kind(value.kind)),
                         value.span);
    }
    return ok;
  }

  void check_enum(const Node& value, const nlohmann::json& choices, const std::string& where) {
    nlohmann::json data = to_json(value);
    std::vector<std::string> words;
    for (const auto& choice : choices) {
      if (choice == data) return;
      words.push_back(choice.is_string() ? choice.get<std::string>() : choice.dump());
    }
    Diagnostic& d = diagnostics_.error(
        "plugin-bad-value", file_, value.pos,
        fmt::format("'{}' of plugin '{}' must be one of {}", where, plugin_, join(words, ", ")),
        value.span);
    if (value.is_string()) {
      if (auto suggestion = closest_match(value.text, words)) {
        d.note(fmt::format("did you mean '{}'?", *suggestion));
      }
    }
  }

  const std::string& file_;
  const std::string& plugin_;
  Diagnostics& diagnostics_;
};

// The schema of a plugin, looked up once per name and file.
struct SchemaLookup {
  nlohmann::json schema;
  std::string problem;  // why there is none
};

SchemaLookup find_schema(const std::string& name, const PluginCheckOptions& options) {
  if (const BuiltinPluginInfo* builtin = find_builtin_plugin(name)) return {builtin->schema, {}};
  std::optional<std::string> path = find_plugin(name, options.search);
  if (!path) {
    return {nullptr, fmt::format("plugin '{}' not found: no executable '{}' in "
                                 "$FLOWRUN_PLUGIN_PATH, the workflow's plugins/ folder or $PATH; "
                                 "its 'with' is not checked",
                                 name, plugin_executable_name(name))};
  }
  PluginDescription description = describe_plugin(*path, options.environment);
  if (!description.error.empty()) {
    return {nullptr,
            fmt::format("plugin '{}': {}; its 'with' is not checked", name, description.error)};
  }
  return {description.schema, {}};
}

}  // namespace

void check_plugin_uses(const Definition& definition, const PluginCheckOptions& options,
                       Diagnostics& diagnostics) {
  if (!definition.workflow || !definition.document.root.is_mapping()) return;
  PluginCheckOptions search = options;
  std::filesystem::path dir = std::filesystem::path(definition.workflow->dir);
  search.search.workflow_dir = dir.empty() ? "." : dir.string();
  std::map<std::string, SchemaLookup> schemas;
  const std::string& file = definition.path();
  for (const char* list : kStepLists) {
    const Node* steps = definition.document.root.find(list);
    if (!steps || !steps->is_sequence()) continue;
    for (const Node& step : steps->items) {
      const Node::Entry* uses = step.find_entry("uses");
      if (!uses || !uses->value.is_string()) continue;
      const std::string& name = uses->value.text;
      auto found = schemas.find(name);
      if (found == schemas.end()) found = schemas.emplace(name, find_schema(name, search)).first;
      if (!found->second.problem.empty()) {
        diagnostics.warning("plugin-not-checked", file, uses->value.pos, found->second.problem,
                            uses->value.span);
        continue;
      }
      const Node::Entry* with = step.find_entry("with");
      if (with && !with->value.is_mapping()) continue;  // already a load error
      Node empty;
      empty.kind = Node::Kind::Mapping;
      const Node& value = with ? with->value : empty;
      SchemaChecker(file, name, diagnostics)
          .check(value, found->second.schema, "with", with ? with->key.pos : uses->key.pos);
    }
  }
  diagnostics.sort();
}

}  // namespace flowrun
