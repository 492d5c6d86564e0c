#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "core/exec/builtin_plugins.hpp"
#include "core/exec/http_client.hpp"

namespace flowrun {

/// The statuses a response may have to count as success: inclusive ranges.
using StatusRanges = std::vector<std::pair<long, long>>;

/// An `http` call as read from its `with`.
struct HttpCall {
  HttpRequest request;
  StatusRanges expect = {{200, 299}};
};

/// Reads `with` (method, url, headers, query, body or json, timeout, expect_status,
/// follow_redirects, insecure, max_body) into `out`; the proxy comes from the step's
/// environment. False with `cause` set on bad input.
bool read_http_call(const nlohmann::json& with, const BuiltinContext& context, HttpCall& out,
                    std::string& cause);

/// Turns a response into the step's result: outputs `status`, `headers`, `body` (or
/// `body_file` when it was too long), `body_size`, `url`, and `json` when the body is JSON.
/// A status outside `expect` fails, with the server's Retry-After kept for the retry.
PluginResult http_result(const HttpCall& call, const HttpResponse& response);

/// `Retry-After` of a response in ms (seconds or an HTTP date), -1 when absent or unreadable.
std::int64_t retry_after_ms(const HttpResponse& response);

/// The `http_proxy`-style settings of `environment` for `url`: (proxy, no_proxy).
std::pair<std::string, std::string> proxy_for(const std::string& url,
                                              const std::vector<std::string>& environment);

/// The JSON Schema of the `http` plugin's `with`.
nlohmann::json http_plugin_schema();

}  // namespace flowrun
