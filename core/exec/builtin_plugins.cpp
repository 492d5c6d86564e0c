#include "core/exec/builtin_plugins.hpp"

#include <algorithm>
#include <functional>

#include "core/exec/http_client.hpp"
#include "core/exec/http_plugin.hpp"
#include "core/exec/llm_plugin.hpp"
#include "core/exec/sqlite_plugin.hpp"
#include "core/util/error.hpp"

namespace flowrun {

const std::vector<BuiltinPluginInfo>& builtin_plugins() {
  static const std::vector<BuiltinPluginInfo> plugins = [] {
    std::vector<BuiltinPluginInfo> list;
    for (auto [name, schema] :
         {std::pair{"http", http_plugin_schema()}, std::pair{"llm", llm_plugin_schema()},
          std::pair{"sqlite", sqlite_plugin_schema()}}) {
      list.push_back({name, schema.value("description", ""), schema});
    }
    return list;
  }();
  return plugins;
}

const BuiltinPluginInfo* find_builtin_plugin(std::string_view name) {
  for (const auto& plugin : builtin_plugins()) {
    if (plugin.name == name) return &plugin;
  }
  return nullptr;
}

std::string env_value(const std::vector<std::string>& environment, std::string_view name) {
  for (const auto& entry : environment) {
    if (entry.size() > name.size() && entry[name.size()] == '=' && entry.starts_with(name)) {
      return entry.substr(name.size() + 1);
    }
  }
  return {};
}

// A call waiting for its HTTP transfer; `finish` turns the response into the result.
struct BuiltinRunner::Call {
  std::uint64_t key = 0;
  std::string log_path;
  std::string label;  // "http: GET url", for the log
  std::function<PluginResult(const HttpResponse&)> finish;
};

BuiltinRunner::BuiltinRunner() = default;
BuiltinRunner::~BuiltinRunner() = default;

HttpClient& BuiltinRunner::http() {
  if (!http_) http_ = std::make_unique<HttpClient>();
  return *http_;
}

void BuiltinRunner::start(std::uint64_t key, const PluginCall& call,
                          const BuiltinContext& context) {
  std::string cause;
  auto fail = [&](std::string error) {
    PluginResult result;
    result.error = std::move(error);
    result.cause = cause;
    finish(key, std::move(result));
  };
  auto send = [&](const HttpRequest& request, std::string label,
                  std::function<PluginResult(const HttpResponse&)> finish_call) {
    calls_.push_back(std::make_unique<Call>(
        Call{key, context.log_path, std::move(label), std::move(finish_call)}));
    try {
      http().start(key, request);
    } catch (const Error& error) {  // libcurl missing or failing to start
      cause = error.what();
      fail("PluginError");
    }
  };
  if (call.plugin == "sqlite") {
    finish(key, run_sqlite_plugin(call.with, context));
  } else if (call.plugin == "http") {
    auto http_call = std::make_shared<HttpCall>();
    if (!read_http_call(call.with, context, *http_call, cause)) return fail("HttpBadInput");
    send(http_call->request, "http: " + http_call->request.method + " " + http_call->request.url,
         [http_call](const HttpResponse& response) { return http_result(*http_call, response); });
  } else if (call.plugin == "llm") {
    auto llm_call = std::make_shared<LlmCall>();
    if (!read_llm_call(call.with, context, *llm_call, cause)) return fail("LlmBadInput");
    send(llm_call->http.request, "llm: POST " + llm_call->http.request.url,
         [llm_call](const HttpResponse& response) { return llm_result(*llm_call, response); });
  } else {
    cause = "plugin '" + call.plugin + "' is not built in";
    fail("PluginNotFound");
  }
}

void BuiltinRunner::cancel(std::uint64_t key) {
  if (http_) http_->cancel(key);
  std::erase_if(calls_, [&](const auto& call) { return call->key == key; });
  std::erase_if(finished_, [&](const auto& done) { return done.first == key; });
}

void BuiltinRunner::add_pollfds(std::vector<pollfd>& fds) const {
  if (http_) http_->add_pollfds(fds);
}

std::int64_t BuiltinRunner::timeout_ns() const {
  if (!finished_.empty()) return 0;
  return http_ ? http_->timeout_ns() : -1;
}

void BuiltinRunner::process(const std::vector<pollfd>& fds) {
  if (!http_) return;
  http_->process(fds);
  for (auto& [key, response] : http_->take_finished()) {
    auto found = std::find_if(calls_.begin(), calls_.end(),
                              [&](const auto& call) { return call->key == key; });
    if (found == calls_.end()) continue;
    Call& call = **found;
    std::string line = call.label + " -> ";
    line += response.error.empty() ? std::to_string(response.status) + " (" +
                                         std::to_string(response.body_size) + " bytes)"
                                   : response.error;
    append_log_line(call.log_path, line + " in " + std::to_string(response.duration_ms) + "ms");
    PluginResult result;
    try {
      result = call.finish(response);
    } catch (const nlohmann::json::exception& error) {
      result.error = "PluginError";
      result.cause = call.label + ": unexpected response: " + error.what();
    }
    if (!result.ok) append_log_line(call.log_path, result.cause);
    finish(key, std::move(result));
  }
}

std::vector<std::pair<std::uint64_t, PluginResult>> BuiltinRunner::take_finished() {
  std::vector<std::pair<std::uint64_t, PluginResult>> done;
  done.swap(finished_);
  return done;
}

void BuiltinRunner::finish(std::uint64_t key, PluginResult result) {
  std::erase_if(calls_, [&](const auto& call) { return call->key == key; });
  finished_.emplace_back(key, std::move(result));
}

}  // namespace flowrun
