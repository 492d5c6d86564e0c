#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "core/exec/builtin_plugins.hpp"
#include "core/exec/http_plugin.hpp"

namespace flowrun {

/// An `llm` call as read from its `with`: the chat-completions request and what to check.
struct LlmCall {
  HttpCall http;
  bool json_reply = false;  ///< response_format: json
  nlohmann::json schema;    ///< the reply must conform, when set
  std::string api_key;      ///< masked in every message
};

/// Reads `with` (base_url, model, system, prompt or messages, temperature, max_tokens,
/// response_format, schema, api_key_env, timeout) into an OpenAI-compatible POST
/// `<base_url>/chat/completions`. `base_url` defaults to $FLOWRUN_LLM_BASE_URL of the step's
/// environment. False with `cause` set on bad input.
bool read_llm_call(const nlohmann::json& with, const BuiltinContext& context, LlmCall& out,
                   std::string& cause);

/// Outputs `text` (the first choice's content), `json` (when asked: the text parsed and
/// checked against `schema`), `usage`, `model`. 429 and 5xx fail with the server's
/// Retry-After so the step's retry policy waits at least that long.
PluginResult llm_result(const LlmCall& call, const HttpResponse& response);

/// The JSON Schema of the `llm` plugin's `with`.
nlohmann::json llm_plugin_schema();

}  // namespace flowrun
