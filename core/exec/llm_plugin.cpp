#include "core/exec/llm_plugin.hpp"

#include <optional>

#include "core/exec/json_schema.hpp"

namespace flowrun {
namespace {

// Replaces every occurrence of the key, so a server echoing it cannot leak it into a log.
std::string masked(std::string text, const std::string& secret) {
  if (secret.empty()) return text;
  for (std::size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at)) {
    text.replace(at, secret.size(), "***");
    at += 3;
  }
  return text;
}

bool read_messages(const nlohmann::json& with, nlohmann::json& messages, std::string& cause) {
  messages = nlohmann::json::array();
  if (with.contains("system")) {
    if (!with["system"].is_string()) {
      cause = "llm: 'system' must be a string";
      return false;
    }
    messages.push_back({{"role", "system"}, {"content", with["system"]}});
  }
  if (with.contains("prompt") == with.contains("messages")) {
    cause = "llm: give 'prompt' or 'messages' (one of them)";
    return false;
  }
  if (with.contains("prompt")) {
    const nlohmann::json& prompt = with["prompt"];
    messages.push_back(
        {{"role", "user"},
         {"content", prompt.is_string() ? prompt.get<std::string>() : prompt.dump()}});
    return true;
  }
  if (!with["messages"].is_array()) {
    cause = "llm: 'messages' must be a list of {role, content}";
    return false;
  }
  for (const auto& message : with["messages"]) {
    if (!message.is_object() || !message.contains("role") || !message.contains("content")) {
      cause = "llm: each of 'messages' needs 'role' and 'content'";
      return false;
    }
    messages.push_back(message);
  }
  return true;
}

}  // namespace

bool read_llm_call(const nlohmann::json& with, const BuiltinContext& context, LlmCall& out,
                   std::string& cause) {
  if (!with.is_object()) {
    cause = "llm: 'with' must be a mapping";
    return false;
  }
  std::string base = with.contains("base_url") && with["base_url"].is_string()
                         ? with["base_url"].get<std::string>()
                         : env_value(context.environment, "FLOWRUN_LLM_BASE_URL");
  if (base.empty()) {
    cause =
        "llm: no 'base_url' and $FLOWRUN_LLM_BASE_URL is not set (e.g. "
        "http://127.0.0.1:11434/v1 for Ollama)";
    return false;
  }
  while (!base.empty() && base.back() == '/') base.pop_back();
  if (!with.contains("model") || !with["model"].is_string()) {
    cause = "llm: 'with.model' is required (a string)";
    return false;
  }
  nlohmann::json body = {{"model", with["model"]}};
  if (!read_messages(with, body["messages"], cause)) return false;
  if (with.contains("temperature")) body["temperature"] = with["temperature"];
  if (with.contains("max_tokens")) body["max_tokens"] = with["max_tokens"];
  const std::string format = with.value("response_format", "text");
  if (format != "text" && format != "json") {
    cause = "llm: 'response_format' must be text or json, not '" + format + "'";
    return false;
  }
  out.json_reply = format == "json";
  if (out.json_reply) body["response_format"] = {{"type", "json_object"}};
  if (with.contains("schema")) out.schema = with["schema"];
  nlohmann::json http = {{"url", base + "/chat/completions"},
                         {"method", "POST"},
                         {"json", body},
                         {"timeout", with.value("timeout", nlohmann::json("120s"))}};
  if (with.contains("api_key_env")) {
    std::string name = with["api_key_env"].get<std::string>();
    out.api_key = env_value(context.environment, name);
    if (out.api_key.empty()) {
      cause = "llm: the environment variable '" + name + "' named by 'api_key_env' is not set";
      return false;
    }
    http["headers"] = {{"Authorization", "Bearer " + out.api_key}};
  }
  BuiltinContext plain = context;
  plain.spill_path.clear();  // a reply longer than the limit is an error, not a file
  return read_http_call(http, plain, out.http, cause);
}

PluginResult llm_result(const LlmCall& call, const HttpResponse& response) {
  PluginResult result;
  const std::string& url = call.http.request.url;
  auto fail = [&](std::string error, std::string cause) {
    result.ok = false;
    result.outputs = nlohmann::json::object();
    result.error = std::move(error);
    result.cause = masked("llm: " + std::move(cause), call.api_key);
    return result;
  };
  if (!response.error.empty()) {
    return fail(response.timed_out ? "LlmTimeout" : "LlmError",
                "POST " + url + (response.timed_out ? " timed out" : " failed: " + response.error));
  }
  if (response.status < 200 || response.status > 299) {
    result.retry_after_ms = response.status == 429 || response.status >= 500
                                ? std::max<std::int64_t>(0, retry_after_ms(response))
                                : -1;
    std::string cause = "POST " + url + " answered " + std::to_string(response.status);
    if (!response.body.empty()) cause += ": " + response.body.substr(0, 300);
    return fail(response.status == 429 ? "LlmRateLimited" : "LlmStatus", cause);
  }
  nlohmann::json reply = nlohmann::json::parse(response.body, nullptr, false);
  std::optional<std::string> content;
  if (!reply.is_discarded() && reply.contains("choices") && reply["choices"].is_array() &&
      !reply["choices"].empty() && reply["choices"][0].is_object()) {
    const nlohmann::json message = reply["choices"][0].value("message", nlohmann::json::object());
    if (message.is_object() && message.contains("content") && message["content"].is_string()) {
      content = message["content"].get<std::string>();
    }
  }
  if (!content) {
    return fail("LlmInvalidResponse",
                "the reply is not a chat completion (no choices[0].message.content)");
  }
  const std::string text = *content;
  result.outputs["text"] = text;
  result.outputs["usage"] = reply.value("usage", nlohmann::json::object());
  result.outputs["model"] = reply.contains("model") ? reply["model"] : nlohmann::json("");
  if (call.json_reply) {
    nlohmann::json parsed = nlohmann::json::parse(text, nullptr, false);
    if (parsed.is_discarded()) {
      return fail("LlmInvalidJson", "the reply is not JSON: '" + text.substr(0, 200) + "'");
    }
    if (!call.schema.is_null()) {
      std::string problem = check_json_schema(parsed, call.schema);
      if (!problem.empty())
        return fail("LlmSchemaMismatch", "the JSON reply does not match 'schema': " + problem);
    }
    result.outputs["json"] = std::move(parsed);
  }
  result.ok = true;
  return result;
}

nlohmann::json llm_plugin_schema() {
  using json = nlohmann::json;
  return {
      {"description",
       "Asks an OpenAI-compatible chat-completions server (Ollama, llama.cpp, vLLM, OpenAI)"},
      {"type", "object"},
      {"additionalProperties", false},
      {"required", json::array({"model"})},
      {"properties",
       {{"base_url", {{"type", "string"}}},
        {"model", {{"type", "string"}}},
        {"system", {{"type", "string"}}},
        {"prompt", {{"type", "string"}}},
        {"messages", {{"type", "array"}, {"items", {{"type", "object"}}}}},
        {"temperature", {{"type", "number"}}},
        {"max_tokens", {{"type", "integer"}}},
        {"response_format", {{"enum", json::array({"text", "json"})}}},
        {"schema", {{"type", "object"}}},
        {"api_key_env", {{"type", "string"}}},
        {"timeout", {{"type", json::array({"string", "number"})}}}}},
  };
}

}  // namespace flowrun
