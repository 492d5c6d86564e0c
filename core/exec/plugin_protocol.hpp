#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/exec/output_file.hpp"

namespace flowrun {

/// Version of the request/response protocol between flowrun and external plugins.
constexpr int kPluginProtocol = 1;

/// One call of a plugin: what goes into the request (docs/plugins.md). The native engine and
/// the ASL interpreter both fill it; `input` is the ASL Task's effective input (null for a
/// native step).
struct PluginCall {
  std::string plugin;
  nlohmann::json with = nlohmann::json::object();
  nlohmann::json input;
  std::string run_id;
  std::string workflow;
  std::string step_id;
  int attempt = 1;
};

/// The request line written to an external plugin's stdin:
/// `{"protocol":1,"with":{...},"input":...,"run":{"id","workflow"},"step":{"id","attempt"}}`.
std::string plugin_request(const PluginCall& call);

/// How one plugin call ended. `outputs` is filled on success; `error` and `cause` otherwise
/// (`cause` is the sentence a user sees: it names the plugin).
struct PluginResult {
  bool ok = false;
  nlohmann::json outputs = nlohmann::json::object();
  std::string error;
  std::string cause;
  std::int64_t retry_after_ms = -1;  ///< a server asked to wait this long before a retry
};

/// Interprets what an external plugin left on stdout together with its exit code: exit 0
/// and `{"outputs": {...}}` succeed; `{"error", "cause"}` or a non-zero exit fail; anything
/// else (not JSON, not an object, other keys) fails with a cause naming the plugin.
PluginResult read_plugin_response(std::string_view plugin, std::string_view stdout_text,
                                  int exit_code);

/// The step outputs of a successful result: strings as they are, other values as JSON text
/// (the same rule as `outputs: json`). Over kMaxOutputBytes is an error.
OutputsRead plugin_outputs(const PluginResult& result);

/// An already unlinked file in `dir` holding `text`, positioned at its start, to be a
/// plugin's stdin (no pipe to feed, nothing left on disk). -1 with `error` set on failure.
int open_request_file(const std::string& dir, std::string_view text, std::string& error);

}  // namespace flowrun
