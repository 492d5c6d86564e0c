#include "core/exec/output_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

namespace flowrun {
namespace {

void put(StepOutputs& outputs, std::string key, std::string value) {
  for (auto& [existing, old_value] : outputs) {
    if (existing == key) {
      old_value = std::move(value);
      return;
    }
  }
  outputs.emplace_back(std::move(key), std::move(value));
}

std::string_view next_line(std::string_view& text) {
  std::size_t end = text.find('\n');
  std::string_view line = text.substr(0, end);
  text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

std::string shorten(std::string_view line) {
  if (line.size() <= 60) return std::string(line);
  return std::string(line.substr(0, 57)) + "...";
}

std::string too_large(std::size_t limit) {
  return "the step's outputs are larger than " + std::to_string(limit / 1024) + " KiB";
}

}  // namespace

OutputsRead parse_outputs(std::string_view text) {
  OutputsRead read;
  auto fail = [&](std::size_t number, std::string what) {
    if (read.error.empty()) read.error = "line " + std::to_string(number) + " " + what;
  };
  std::size_t number = 0;
  while (!text.empty()) {
    std::string_view line = next_line(text);
    ++number;
    std::size_t heredoc = line.find("<<");
    std::size_t equals = line.find('=');
    if (heredoc != std::string_view::npos && heredoc < equals) {
      std::size_t start = number;
      std::string key(line.substr(0, heredoc));
      std::string_view delimiter = line.substr(heredoc + 2);
      std::string value;
      bool first = true;
      bool closed = false;
      while (!text.empty()) {
        std::string_view body = next_line(text);
        ++number;
        if (body == delimiter) {
          closed = true;
          break;
        }
        if (!first) value += '\n';
        value += body;
        first = false;
      }
      if (key.empty() || delimiter.empty()) {
        fail(start, "of $FLOWRUN_OUTPUT has an empty key or delimiter: '" + shorten(line) + "'");
      } else if (!closed) {
        fail(start, "of $FLOWRUN_OUTPUT starts a block that never ends with '" +
                        std::string(delimiter) + "'");
      } else {
        put(read.outputs, std::move(key), std::move(value));
      }
    } else if (equals != std::string_view::npos && equals > 0) {
      put(read.outputs, std::string(line.substr(0, equals)), std::string(line.substr(equals + 1)));
    } else if (line.find_first_not_of(" \t") != std::string_view::npos) {
      fail(number,
           "of $FLOWRUN_OUTPUT is not 'key=value' or 'key<<DELIMITER': '" + shorten(line) + "'");
    }
  }
  return read;
}

StepOutputs parse_output_text(std::string_view text) { return parse_outputs(text).outputs; }

std::string read_file_prefix(const char* path, std::size_t limit) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return {};
  std::string text;
  char buffer[65536];
  for (ssize_t n; text.size() <= limit && (n = read(fd, buffer, sizeof buffer)) > 0;) {
    text.append(buffer, static_cast<std::size_t>(n));
  }
  close(fd);
  if (text.size() > limit + 1) text.resize(limit + 1);
  return text;
}

OutputsRead read_outputs(const char* path, std::size_t limit) {
  std::string text = read_file_prefix(path, limit);
  if (text.size() > limit) return {{}, too_large(limit)};
  return parse_outputs(text);
}

StepOutputs read_output_file(const char* path) { return read_outputs(path).outputs; }

OutputsRead parse_json_outputs(std::string_view text, std::size_t limit) {
  OutputsRead read;
  if (text.size() > limit) {
    read.error = too_large(limit);
    return read;
  }
  nlohmann::ordered_json parsed;
  try {
    parsed = nlohmann::ordered_json::parse(text);
  } catch (const nlohmann::json::parse_error& error) {
    // The message names the line and column, e.g. "parse error at line 2, column 5: ...".
    std::string message = error.what();
    std::size_t at = message.find("parse error");
    read.error = "stdout is not JSON (outputs: json): " +
                 (at == std::string::npos ? message : message.substr(at));
    return read;
  }
  if (!parsed.is_object()) {
    read.error = "stdout is JSON but not an object (outputs: json)";
    return read;
  }
  for (const auto& [key, value] : parsed.items()) {
    put(read.outputs, key, value.is_string() ? value.get<std::string>() : value.dump());
  }
  return read;
}

void append_log_line(const std::string& path, const std::string& text) {
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) return;
  std::string line = "flowrun: " + text + "\n";
  [[maybe_unused]] ssize_t ignored = write(fd, line.data(), line.size());
  close(fd);
}

}  // namespace flowrun
