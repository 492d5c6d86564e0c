#include "core/exec/plugin_protocol.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "core/util/text.hpp"

namespace flowrun {
namespace {

// The start of a bad response, on one line, for a cause that shows what came back.
std::string excerpt(std::string_view text) {
  std::string shown;
  for (char c : text.substr(0, 60)) shown += (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
  if (text.size() > 60) shown += "...";
  return shown;
}

PluginResult failure(std::string error, std::string cause) {
  PluginResult result;
  result.error = std::move(error);
  result.cause = std::move(cause);
  return result;
}

std::string trimmed(std::string_view text) {
  std::size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) return {};
  std::size_t end = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(begin, end - begin + 1));
}

}  // namespace

std::string plugin_request(const PluginCall& call) {
  nlohmann::json request = {
      {"protocol", kPluginProtocol},
      {"with", call.with},
      {"input", call.input},
      {"run", {{"id", call.run_id}, {"workflow", call.workflow}}},
      {"step", {{"id", call.step_id}, {"attempt", call.attempt}}},
  };
  return request.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

PluginResult read_plugin_response(std::string_view plugin, std::string_view stdout_text,
                                  int exit_code) {
  const std::string name = "plugin '" + std::string(plugin) + "'";
  const std::string text = trimmed(stdout_text);
  const std::string exited =
      exit_code != 0 ? " (exit code " + std::to_string(exit_code) + ")" : std::string();
  if (text.empty()) {
    if (exit_code != 0) return failure("PluginFailed", name + " failed" + exited);
    return failure("PluginInvalidResponse",
                   name +
                       " returned an invalid response: nothing on stdout (expected one JSON "
                       "object such as {\"outputs\": {}})");
  }
  nlohmann::json response = nlohmann::json::parse(text, nullptr, false);
  if (response.is_discarded() || !response.is_object()) {
    std::string what =
        response.is_discarded() ? "stdout is not JSON" : "stdout is not a JSON object";
    return failure(exit_code != 0 ? "PluginFailed" : "PluginInvalidResponse",
                   name + " returned an invalid response" + exited + ": " + what + ": '" +
                       excerpt(text) + "'");
  }
  if (response.contains("error")) {
    const nlohmann::json& error = response["error"];
    const nlohmann::json cause = response.value("cause", nlohmann::json());
    std::string error_text = error.is_string() ? error.get<std::string>() : error.dump();
    std::string message = name + " failed" + exited + ": " + error_text;
    if (cause.is_string() && !cause.get_ref<const std::string&>().empty()) {
      message += ": " + cause.get<std::string>();
    }
    return failure(error_text.empty() ? "PluginFailed" : error_text, message);
  }
  if (exit_code != 0) return failure("PluginFailed", name + " failed" + exited);
  for (const auto& [key, value] : response.items()) {
    if (key != "outputs") {
      return failure("PluginInvalidResponse", name +
                                                  " returned an invalid response: unknown key '" +
                                                  key + "' (expected 'outputs' or 'error')");
    }
  }
  const nlohmann::json outputs = response.value("outputs", nlohmann::json::object());
  if (!outputs.is_object()) {
    return failure("PluginInvalidResponse",
                   name + " returned an invalid response: 'outputs' must be a JSON object");
  }
  PluginResult result;
  result.ok = true;
  result.outputs = outputs;
  return result;
}

OutputsRead plugin_outputs(const PluginResult& result) {
  return parse_json_outputs(result.outputs.dump());
}

int open_request_file(const std::string& dir, std::string_view text, std::string& error) {
  std::string path = dir + "/.plugin-request.XXXXXX";
  int fd = mkostemp(path.data(), O_CLOEXEC);
  if (fd < 0) {
    error = "cannot create the plugin request in " + dir + ": " + std::strerror(errno);
    return -1;
  }
  unlink(path.c_str());
  std::size_t written = 0;
  while (written < text.size()) {
    ssize_t n = write(fd, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      error = std::string("cannot write the plugin request: ") + std::strerror(errno);
      close(fd);
      return -1;
    }
    written += static_cast<std::size_t>(n);
  }
  lseek(fd, 0, SEEK_SET);
  return fd;
}

}  // namespace flowrun
