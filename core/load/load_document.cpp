#include "core/load/load_document.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>

#include "core/load/json_reader.hpp"
#include "core/util/text.hpp"

namespace flowrun {
namespace {

SourcePos position_of_offset(const std::string& text, std::size_t offset) {
  SourcePos pos{1, 1};
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++pos.line;
      pos.column = 1;
    } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      ++pos.column;
    }
  }
  return pos;
}

// Syntax check only: nlohmann's SAX parser is strict JSON and non-recursive.
class JsonSyntaxCheck : public nlohmann::json_sax<nlohmann::json> {
 public:
  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override { return deeper(); }
  bool key(string_t&) override { return true; }
  bool end_object() override { return --depth_, true; }
  bool start_array(std::size_t) override { return deeper(); }
  bool end_array() override { return --depth_, true; }
  bool parse_error(std::size_t position, const std::string&,
                   const nlohmann::detail::exception& ex) override {
    error_offset = position > 0 ? position - 1 : 0;
    error = ex.what();
    return false;
  }

  std::size_t max_depth = 512;
  std::size_t error_offset = 0;
  std::string error;
  bool too_deep = false;

 private:
  bool deeper() {
    if (++depth_ > max_depth) too_deep = true;
    return !too_deep;
  }
  std::size_t depth_ = 0;
};

// nlohmann's messages start with "[json.exception.parse_error.101] parse error at line 1,
// column 2: "; keep the part after the position, which we print ourselves.
std::string tidy_json_error(const std::string& message) {
  auto colon = message.find(": ", message.find("column"));
  std::string tail = colon == std::string::npos ? message : message.substr(colon + 2);
  return tail;
}

bool check_json_syntax(const std::string& path, const std::string& text, Diagnostics& diagnostics,
                       const LoadLimits& limits) {
  JsonSyntaxCheck check;
  check.max_depth = limits.reader.max_depth;
  bool ok = nlohmann::json::sax_parse(text, &check, nlohmann::json::input_format_t::json, false);
  if (ok) return true;
  if (check.too_deep) {
    diagnostics.error("too-deep", path, {},
                      fmt::format("nesting is deeper than {} levels", limits.reader.max_depth));
  } else {
    diagnostics.error("syntax", path, position_of_offset(text, check.error_offset),
                      "JSON syntax error: " + tidy_json_error(check.error));
  }
  return false;
}

// `expected`: the size to reserve, so that a large file is not copied while it grows.
std::optional<std::string> read_all(int fd, std::size_t max_bytes, std::string& error,
                                    std::size_t expected = 0) {
  std::string data;
  data.reserve(expected);
  char buffer[65536];
  while (true) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      error = std::strerror(errno);
      return std::nullopt;
    }
    if (n == 0) break;
    data.append(buffer, static_cast<std::size_t>(n));
    if (data.size() > max_bytes) {
      error = fmt::format("the file is larger than the {} MiB limit", max_bytes / (1024 * 1024));
      return std::nullopt;
    }
  }
  return data;
}

std::optional<std::string> read_file(const std::string& path, const LoadLimits& limits,
                                     std::string& error) {
  if (path == "-") return read_all(STDIN_FILENO, limits.max_file_bytes, error);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    error = std::strerror(errno);
    return std::nullopt;
  }
  struct stat info {};
  std::optional<std::string> data;
  if (::fstat(fd, &info) == 0 && S_ISDIR(info.st_mode)) {
    error = "it is a directory";
  } else if (info.st_size > static_cast<off_t>(limits.max_file_bytes)) {
    error = fmt::format("the file is {:.1f} MiB, larger than the {} MiB limit",
                        static_cast<double>(info.st_size) / (1024 * 1024),
                        limits.max_file_bytes / (1024 * 1024));
  } else {
    data = read_all(fd, limits.max_file_bytes, error, static_cast<std::size_t>(info.st_size) + 1);
  }
  ::close(fd);
  return data;
}

bool is_json_path(const std::string& path) { return ends_with(path, ".json"); }

}  // namespace

std::optional<Document> parse_document(const std::string& path, std::string text,
                                       Diagnostics& diagnostics, const LoadLimits& limits,
                                       ItemStream* stream) {
  if (text.find("${") != std::string::npos) {
    text = asl::substitute_placeholders(text, limits.substitutions, is_json_path(path));
  }
  auto source = std::make_shared<const SourceFile>(path, std::move(text));
  diagnostics.add_source(source);
  const std::string& content = source->text();
  if (content.find('\0') != std::string::npos) {
    diagnostics.error("unreadable", path, {}, "cannot read: the file is binary, not YAML or JSON");
    return std::nullopt;
  }
  if (auto bad = find_invalid_utf8(content)) {
    diagnostics.error("unreadable", path, {},
                      fmt::format("cannot read: invalid UTF-8 at line {}, column {}",
                                  position_of_offset(content, *bad).line,
                                  position_of_offset(content, *bad).column));
    return std::nullopt;
  }
  if (content.find_first_not_of(" \t\r\n") == std::string::npos) {
    diagnostics.error("empty", path, {}, "the file is empty");
    return std::nullopt;
  }
  std::size_t errors_before = diagnostics.error_count();
  try {
    if (is_json_path(path)) {
      // Streamed items are converted while they are read: a file that has the streamed key
      // is checked for syntax errors first, so that they are the only thing reported.
      bool may_stream = stream && content.find('"' + stream->key + '"') != std::string::npos;
      if (may_stream && !check_json_syntax(path, content, diagnostics, limits)) {
        return std::nullopt;
      }
      if (std::optional<Node> root = read_json(path, content, diagnostics, limits.reader, stream)) {
        return Document{source, std::move(*root)};
      }
      // Not JSON after all: nlohmann's parser words the error.
      if (!check_json_syntax(path, content, diagnostics, limits)) return std::nullopt;
    }
    Node root = read_yaml(path, content, diagnostics, limits.reader, stream);
    if (diagnostics.error_count() > errors_before && root.is_null()) return std::nullopt;
    return Document{source, std::move(root)};
  } catch (const ReaderLimitExceeded& e) {
    diagnostics.error("too-large", path, {}, "cannot read: " + e.message);
    return std::nullopt;
  }
}

std::optional<Document> load_document(const std::string& path, Diagnostics& diagnostics,
                                      const LoadLimits& limits, ItemStream* stream) {
  std::string error;
  std::optional<std::string> text = read_file(path, limits, error);
  if (!text) {
    diagnostics.error("unreadable", display_path(path), {}, "cannot read: " + error);
    return std::nullopt;
  }
  return parse_document(display_path(path), std::move(*text), diagnostics, limits, stream);
}

std::string display_path(const std::string& path) { return path == "-" ? "<stdin>" : path; }

DocumentKind detect_kind(const Node& root) {
  if (root.is_mapping() && root.find("StartAt") && root.find("States")) {
    return DocumentKind::StateMachine;
  }
  return DocumentKind::Native;
}

}  // namespace flowrun
