#include "core/exec/http_plugin.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cctype>
#include <ctime>

#include "core/exec/curl_library.hpp"
#include "core/util/duration.hpp"

namespace flowrun {
namespace {

std::string upper(std::string text) {
  for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

std::string url_encode(const std::string& text) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

// A scalar as text for a header or query value: strings as they are, others as JSON.
std::string scalar_text(const nlohmann::json& value) {
  return value.is_string() ? value.get<std::string>() : value.dump();
}

bool read_timeout(const nlohmann::json& value, std::int64_t& ms, std::string& cause) {
  if (value.is_number()) {
    ms = static_cast<std::int64_t>(value.get<double>() * 1000);
  } else if (value.is_string()) {
    auto parsed = parse_duration(value.get<std::string>());
    if (!parsed) {
      cause = "http: 'timeout' must be a duration such as '10s', not '" + value.get<std::string>() +
              "'";
      return false;
    }
    ms = parsed->milliseconds;
  } else {
    cause = "http: 'timeout' must be a duration such as '10s' or a number of seconds";
    return false;
  }
  if (ms <= 0) {
    cause = "http: 'timeout' must be more than zero";
    return false;
  }
  return true;
}

// One expect_status item: 200, "2xx", "200-299" or "404".
bool read_status_item(const nlohmann::json& item, StatusRanges& out) {
  if (item.is_number_integer()) {
    out.emplace_back(item.get<long>(), item.get<long>());
    return true;
  }
  if (!item.is_string()) return false;
  std::string text = item.get<std::string>();
  if (text.size() == 3 && (text[1] == 'x' || text[1] == 'X') &&
      (text[2] == 'x' || text[2] == 'X') && std::isdigit(static_cast<unsigned char>(text[0]))) {
    long base = (text[0] - '0') * 100;
    out.emplace_back(base, base + 99);
    return true;
  }
  char* end = nullptr;
  long first = std::strtol(text.c_str(), &end, 10);
  if (end == text.c_str()) return false;
  if (*end == '\0') {
    out.emplace_back(first, first);
    return true;
  }
  if (*end != '-') return false;
  const char* rest = end + 1;
  long last = std::strtol(rest, &end, 10);
  if (end == rest || *end != '\0' || last < first) return false;
  out.emplace_back(first, last);
  return true;
}

bool read_expect(const nlohmann::json& value, StatusRanges& out, std::string& cause) {
  out.clear();
  bool ok = true;
  if (value.is_array()) {
    for (const auto& item : value) ok = ok && read_status_item(item, out);
  } else {
    ok = read_status_item(value, out);
  }
  if (!ok || out.empty()) {
    cause =
        "http: 'expect_status' must be a status (200), a list of them, or a range such as "
        "'200-299' or '2xx', not " +
        value.dump();
    return false;
  }
  return true;
}

std::string describe_expect(const StatusRanges& expect) {
  std::string text;
  for (const auto& [first, last] : expect) {
    if (!text.empty()) text += ", ";
    if (first == last) {
      text += std::to_string(first);
    } else if (first % 100 == 0 && last == first + 99) {
      text += std::to_string(first / 100) + "xx";
    } else {
      text += std::to_string(first) + "-" + std::to_string(last);
    }
  }
  return text;
}

bool is_json_type(const HttpResponse& response) {
  const std::string* type = response.header("content-type");
  return type && type->find("json") != std::string::npos;
}

std::string excerpt(const std::string& text, std::size_t limit = 200) {
  std::string shown = text.substr(0, limit);
  for (char& c : shown) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return text.size() > limit ? shown + "..." : shown;
}

}  // namespace

std::pair<std::string, std::string> proxy_for(const std::string& url,
                                              const std::vector<std::string>& environment) {
  auto first = [&](std::initializer_list<const char*> names) {
    for (const char* name : names) {
      std::string value = env_value(environment, name);
      if (!value.empty()) return value;
    }
    return std::string();
  };
  // As curl does: lower-case http_proxy only (HTTP_PROXY can be set by CGI requests).
  std::string proxy =
      url.rfind("https:", 0) == 0 ? first({"https_proxy", "HTTPS_PROXY"}) : first({"http_proxy"});
  if (proxy.empty()) proxy = first({"all_proxy", "ALL_PROXY"});
  return {proxy, first({"no_proxy", "NO_PROXY"})};
}

bool read_http_call(const nlohmann::json& with, const BuiltinContext& context, HttpCall& out,
                    std::string& cause) {
  HttpRequest& request = out.request;
  if (!with.is_object() || !with.contains("url") || !with["url"].is_string()) {
    cause = "http: 'with.url' is required (a string such as 'https://example.com/health')";
    return false;
  }
  request.url = with["url"].get<std::string>();
  if (with.contains("query")) {
    if (!with["query"].is_object()) {
      cause = "http: 'query' must be a mapping of names to values";
      return false;
    }
    std::string query;
    for (const auto& [name, value] : with["query"].items()) {
      const nlohmann::json items = value.is_array() ? value : nlohmann::json::array({value});
      for (const auto& item : items) {
        query +=
            (query.empty() ? "" : "&") + url_encode(name) + "=" + url_encode(scalar_text(item));
      }
    }
    if (!query.empty())
      request.url += (request.url.find('?') == std::string::npos ? "?" : "&") + query;
  }
  bool has_content_type = false;
  if (with.contains("headers")) {
    if (!with["headers"].is_object()) {
      cause = "http: 'headers' must be a mapping of names to values";
      return false;
    }
    for (const auto& [name, value] : with["headers"].items()) {
      request.headers.push_back(name + ": " + scalar_text(value));
      if (upper(name) == "CONTENT-TYPE") has_content_type = true;
    }
  }
  if (with.contains("body") && with.contains("json")) {
    cause = "http: give 'body' or 'json', not both";
    return false;
  }
  if (with.contains("body")) request.body = scalar_text(with["body"]);
  if (with.contains("json")) {
    request.body = with["json"].dump();
    if (!has_content_type) request.headers.push_back("Content-Type: application/json");
  }
  request.method = request.body ? "POST" : "GET";
  if (with.contains("method")) {
    if (!with["method"].is_string()) {
      cause = "http: 'method' must be a string such as 'GET'";
      return false;
    }
    request.method = upper(with["method"].get<std::string>());
  }
  if (with.contains("timeout") && !read_timeout(with["timeout"], request.timeout_ms, cause)) {
    return false;
  }
  if (with.contains("expect_status") && !read_expect(with["expect_status"], out.expect, cause)) {
    return false;
  }
  request.follow_redirects = with.value("follow_redirects", true);
  request.insecure = with.value("insecure", false);
  if (with.contains("max_body")) request.body_limit = with["max_body"].get<std::size_t>();
  request.spill_path = context.spill_path;
  std::tie(request.proxy, request.no_proxy) = proxy_for(request.url, context.environment);
  return true;
}

std::int64_t retry_after_ms(const HttpResponse& response) {
  const std::string* value = response.header("retry-after");
  if (!value || value->empty()) return -1;
  char* end = nullptr;
  double seconds = std::strtod(value->c_str(), &end);
  if (end != value->c_str() && *end == '\0')
    return seconds < 0 ? -1 : static_cast<std::int64_t>(seconds * 1000);
  time_t when = curl_library().getdate(value->c_str(), nullptr);
  if (when < 0) return -1;
  return std::max<std::int64_t>(0, (static_cast<std::int64_t>(when) - std::time(nullptr)) * 1000);
}

PluginResult http_result(const HttpCall& call, const HttpResponse& response) {
  const HttpRequest& request = call.request;
  PluginResult result;
  const std::string what = request.method + " " + request.url;
  if (!response.error.empty()) {
    result.error = response.timed_out ? "HttpTimeout" : "HttpError";
    result.cause = response.timed_out ? "http: " + what + " timed out after " +
                                            format_duration(Duration{request.timeout_ms})
                                      : "http: " + what + " failed: " + response.error;
    return result;
  }
  nlohmann::json headers = nlohmann::json::object();
  for (const auto& [name, value] : response.headers) headers[name] = value;
  bool expected = false;
  for (const auto& [first, last] : call.expect)
    expected = expected || (response.status >= first && response.status <= last);
  if (!expected) {
    result.error = "HttpStatus";
    result.cause = "http: " + what + " answered " + std::to_string(response.status) +
                   " (expected " + describe_expect(call.expect) + ")";
    if (!response.spilled && !response.body.empty()) result.cause += ": " + excerpt(response.body);
    result.retry_after_ms = retry_after_ms(response);
    return result;
  }
  result.ok = true;
  nlohmann::json& outputs = result.outputs;
  outputs["status"] = response.status;
  outputs["headers"] = headers;
  outputs["url"] = response.effective_url;
  outputs["body_size"] = response.body_size;
  if (response.spilled) {
    outputs["body_file"] = request.spill_path;
  } else {
    outputs["body"] = response.body;
    if (is_json_type(response)) {
      nlohmann::json parsed = nlohmann::json::parse(response.body, nullptr, false);
      if (!parsed.is_discarded()) outputs["json"] = std::move(parsed);
    }
  }
  return result;
}

nlohmann::json http_plugin_schema() {
  using json = nlohmann::json;
  json status_item = {{"type", json::array({"integer", "string"})}};
  return {
      {"description", "Calls an HTTP API (libcurl, inside the event loop)"},
      {"type", "object"},
      {"additionalProperties", false},
      {"required", json::array({"url"})},
      {"properties",
       {{"method", {{"type", "string"}}},
        {"url", {{"type", "string"}}},
        {"headers", {{"type", "object"}}},
        {"query", {{"type", "object"}}},
        {"body", {{"type", "string"}}},
        {"json", json::object()},
        {"timeout", {{"type", json::array({"string", "number"})}}},
        {"expect_status", {{"type", json::array({"integer", "string", "array"})}}},
        {"follow_redirects", {{"type", "boolean"}}},
        {"insecure", {{"type", "boolean"}}},
        {"max_body", {{"type", "integer"}}}}},
  };
}

}  // namespace flowrun
