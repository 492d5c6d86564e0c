#include "core/model/workflow_schema.hpp"

#include "core/model/workflow.hpp"

namespace flowrun {
namespace {

using nlohmann::json;

json duration_schema() {
  return {{"description", "A duration such as 500ms, 90s, 5m, 1h30m or 2d; a number is seconds"},
          {"anyOf",
           json::array({{{"type", "string"},
                         {"pattern", "^([0-9]+(\\.[0-9]+)?(ms|s|m|h|d))+$|^[0-9]+(\\.[0-9]+)?$"}},
                        {{"type", "number"}, {"exclusiveMinimum", 0}}})}};
}

json string_list_schema() {
  return {{"anyOf", json::array({{{"type", "string"}},
                                 {{"type", "array"}, {"items", {{"type", "string"}}}}})}};
}

json env_schema() {
  return {{"type", "object"},
          {"description", "Environment variables; values may hold ${{ }} expressions"},
          {"additionalProperties", {{"type", json::array({"string", "number", "boolean"})}}}};
}

json retry_schema() {
  json policy = {{"type", "object"},
                 {"additionalProperties", false},
                 {"properties",
                  {{"attempts", {{"type", "integer"}, {"minimum", 1}}},
                   {"delay", {{"$ref", "#/$defs/duration"}}},
                   {"backoff", {{"type", "number"}, {"minimum", 1}}},
                   {"max_delay", {{"$ref", "#/$defs/duration"}}},
                   {"jitter", {{"type", "number"}, {"minimum", 0}, {"maximum", 1}}},
                   {"on_exit_codes", {{"type", "array"}, {"items", {{"type", "integer"}}}}}}}};
  return {{"anyOf", json::array({{{"type", "integer"}, {"minimum", 1}}, policy})}};
}

json step_schema() {
  json properties = {
      {"id", {{"type", "string"}, {"pattern", "^[A-Za-z0-9_][A-Za-z0-9_.-]*$"}}},
      {"name", {{"type", "string"}}},
      {"description", {{"type", "string"}}},
      {"needs", string_list_schema()},
      {"run", {{"type", "string"}, {"description", "A shell script"}}},
      {"cmd", {{"type", "array"}, {"items", {{"type", "string"}}}, {"minItems", 1}}},
      {"uses", {{"type", "string"}, {"description", "A plugin name"}}},
      {"with", {{"type", "object"}}},
      {"type", {{"enum", step_type_names()}}},
      {"env", {{"$ref", "#/$defs/env"}}},
      {"working_dir", {{"type", "string"}}},
      {"shell", {{"type", "string"}}},
      {"if", {{"type", json::array({"string", "boolean"})}}},
      {"trigger", {{"enum", trigger_rule_names()}}},
      {"retry", {{"$ref", "#/$defs/retry"}}},
      {"timeout", {{"$ref", "#/$defs/duration"}}},
      {"kill_grace", {{"$ref", "#/$defs/duration"}}},
      {"late_after", {{"$ref", "#/$defs/duration"}}},
      {"continue_on_error", {{"type", "boolean"}}},
      // `json` for a process step; the values a `type: pass` step sets.
      {"outputs",
       {{"anyOf", json::array({{{"enum", json::array({"json", "file"})}}, {{"type", "object"}}})}}},
      {"foreach", {{"anyOf", json::array({{{"type", "array"}}, {{"type", "string"}}})}}},
      {"max_parallel", {{"type", "integer"}, {"minimum", 1}}},
      {"tolerated_failures", {{"type", json::array({"integer", "string"})}}},
      {"matrix", {{"type", "object"}}},
      {"repeat",
       {{"type", "object"},
        {"additionalProperties", false},
        {"properties",
         {{"until", {{"type", "string"}}},
          {"max", {{"type", "integer"}, {"minimum", 1}}},
          {"interval", {{"$ref", "#/$defs/duration"}}}}}}},
      {"on_failure", {{"type", "string"}}},
      {"on_retry", {{"type", "string"}}},
      // Keys of the built-in step types.
      {"message", {{"type", "string"}}},
      {"inputs", {{"type", "object"}}},
      {"on_timeout", {{"enum", json::array({"approve", "reject", "fail"})}}},
      {"on_reject", {{"enum", json::array({"fail", "skip"})}}},
      {"workflow", {{"type", "string"}}},
      {"duration", {{"$ref", "#/$defs/duration"}}},
      {"until", {{"type", "string"}}},
      {"for", {{"type", "object"}}},
      {"interval", {{"$ref", "#/$defs/duration"}}},
      {"backoff", {{"type", "number"}}},
      {"soft_fail", {{"type", "boolean"}}},
      {"error", {{"type", "string"}}},
      {"cause", {{"type", "string"}}},
      {"branches",
       {{"type", "array"},
        {"minItems", 1},
        {"items",
         {{"type", "object"},
          {"additionalProperties", false},
          {"required", json::array({"next"})},
          {"properties",
           {{"if", {{"type", json::array({"string", "boolean"})}}},
            {"next", string_list_schema()}}}}}}}};
  json one_action = json::array({{{"required", json::array({"run"})}},
                                 {{"required", json::array({"cmd"})}},
                                 {{"required", json::array({"uses"})}},
                                 {{"required", json::array({"type"})}}});
  return {{"type", "object"},
          {"required", json::array({"id"})},
          {"additionalProperties", false},
          {"properties", properties},
          {"oneOf", one_action}};
}

json param_schema() {
  json declaration = {
      {"type", "object"},
      {"additionalProperties", false},
      {"properties",
       {{"type",
         {{"enum", json::array({"string", "integer", "number", "boolean", "array", "object"})}}},
        {"default", json::object()},
        {"required", {{"type", "boolean"}}},
        {"description", {{"type", "string"}}},
        {"enum", {{"type", "array"}}},
        {"pattern", {{"type", "string"}}},
        {"minimum", {{"type", "number"}}},
        {"maximum", {{"type", "number"}}},
        {"secret", {{"type", "boolean"}}}}}};
  return {{"anyOf", json::array({{{"type", json::array({"string", "number", "boolean", "null"})}},
                                 declaration})}};
}

json handler_schema() {
  return {{"anyOf", json::array({{{"$ref", "#/$defs/step"}},
                                 {{"type", "array"}, {"items", {{"$ref", "#/$defs/step"}}}}})}};
}

}  // namespace

json workflow_json_schema() {
  json defaults = {{"type", "object"},
                   {"additionalProperties", false},
                   {"properties",
                    {{"retry", {{"$ref", "#/$defs/retry"}}},
                     {"timeout", {{"$ref", "#/$defs/duration"}}},
                     {"kill_grace", {{"$ref", "#/$defs/duration"}}},
                     {"shell", {{"type", "string"}}},
                     {"env", {{"$ref", "#/$defs/env"}}}}}};
  json secret = {
      {"type", "object"},
      {"additionalProperties", false},
      {"properties", {{"from_env", {{"type", "string"}}}, {"from_file", {{"type", "string"}}}}},
      {"oneOf", json::array({{{"required", json::array({"from_env"})}},
                             {{"required", json::array({"from_file"})}}})}};
  json schedule = {
      {"anyOf",
       json::array({{{"type", "string"}},
                    {{"type", "array"}, {"items", {{"type", "string"}}}},
                    {{"type", "object"},
                     {"additionalProperties", false},
                     {"properties",
                      {{"cron", string_list_schema()}, {"timezone", {{"type", "string"}}}}}}})}};
  json properties = {
      {"name", {{"type", "string"}}},
      {"description", {{"type", "string"}}},
      {"params", {{"type", "object"}, {"additionalProperties", param_schema()}}},
      {"secrets", {{"type", "object"}, {"additionalProperties", secret}}},
      {"env", {{"$ref", "#/$defs/env"}}},
      {"working_dir", {{"type", "string"}}},
      {"shell", {{"type", "string"}}},
      {"concurrency", {{"type", "integer"}, {"minimum", 1}}},
      {"max_active_runs", {{"type", "integer"}, {"minimum", 1}}},
      {"timeout", {{"$ref", "#/$defs/duration"}}},
      {"late_after", {{"$ref", "#/$defs/duration"}}},
      {"defaults", defaults},
      {"outputs", {{"type", "object"}, {"additionalProperties", {{"type", "string"}}}}},
      {"on_success", handler_schema()},
      {"on_failure", handler_schema()},
      {"on_cancel", handler_schema()},
      {"on_exit", handler_schema()},
      {"on_late", handler_schema()},
      {"schedule", schedule},
      {"steps", {{"type", "array"}, {"items", {{"$ref", "#/$defs/step"}}}}}};
  return {{"$schema", "https://json-schema.org/draft/2020-12/schema"},
          {"$id", "https://flowrun.dev/schema/workflow.json"},
          {"title", "flowrun native workflow"},
          {"type", "object"},
          {"required", json::array({"steps"})},
          {"additionalProperties", false},
          {"properties", properties},
          {"$defs",
           {{"duration", duration_schema()},
            {"env", env_schema()},
            {"retry", retry_schema()},
            {"step", step_schema()}}}};
}

}  // namespace flowrun
