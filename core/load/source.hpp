#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace flowrun {

/// A 1-based position in a source file; line 0 means "no position" (the whole file).
struct SourcePos {
  std::uint32_t line = 0;
  std::uint32_t column = 0;

  bool is_known() const { return line > 0; }
  friend bool operator==(const SourcePos&, const SourcePos&) = default;
  friend auto operator<=>(const SourcePos&, const SourcePos&) = default;
};

/// The text of one loaded file, kept so diagnostics can quote the offending line.
class SourceFile {
 public:
  SourceFile(std::string path, std::string text);

  const std::string& path() const { return path_; }
  const std::string& text() const { return text_; }
  /// The text of 1-based line `line` without its newline; empty when out of range.
  std::string_view line(std::uint32_t line) const;

 private:
  std::string path_;
  std::string text_;
  std::vector<std::size_t> line_starts_;
};

}  // namespace flowrun
