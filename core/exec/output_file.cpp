#include "core/exec/output_file.hpp"

#include <fcntl.h>
#include <unistd.h>

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

}  // namespace

StepOutputs parse_output_text(std::string_view text) {
  StepOutputs outputs;
  while (!text.empty()) {
    std::string_view line = next_line(text);
    std::size_t heredoc = line.find("<<");
    std::size_t equals = line.find('=');
    if (heredoc != std::string_view::npos && heredoc < equals) {
      std::string key(line.substr(0, heredoc));
      std::string_view delimiter = line.substr(heredoc + 2);
      std::string value;
      bool first = true;
      while (!text.empty()) {
        std::string_view body = next_line(text);
        if (body == delimiter) break;
        if (!first) value += '\n';
        value += body;
        first = false;
      }
      if (!key.empty()) put(outputs, std::move(key), std::move(value));
    } else if (equals != std::string_view::npos && equals > 0) {
      put(outputs, std::string(line.substr(0, equals)), std::string(line.substr(equals + 1)));
    }
  }
  return outputs;
}

StepOutputs read_output_file(const char* path) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return {};
  std::string text;
  char buffer[8192];
  for (ssize_t n; (n = read(fd, buffer, sizeof buffer)) > 0;) {
    text.append(buffer, static_cast<std::size_t>(n));
  }
  close(fd);
  return parse_output_text(text);
}

}  // namespace flowrun
