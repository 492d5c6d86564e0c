#include "core/load/scalar_position.hpp"

#include <algorithm>

namespace flowrun {
namespace {

std::uint32_t to_u32(std::size_t n) { return static_cast<std::uint32_t>(n); }

std::size_t indentation(std::string_view line) {
  std::size_t n = 0;
  while (n < line.size() && line[n] == ' ') ++n;
  return n;
}

// Maps a decoded offset on the first line of a quoted scalar to its source column (0-based).
std::size_t quoted_column(std::string_view line, std::size_t open, std::size_t offset) {
  const char quote = line[open];
  std::size_t column = open + 1;
  for (std::size_t decoded = 0; decoded < offset && column < line.size(); ++decoded) {
    if (quote == '\'' && line[column] == '\'' && column + 1 < line.size() &&
        line[column + 1] == '\'') {
      column += 2;
    } else if (quote == '"' && line[column] == '\\') {
      column += 2;
    } else {
      ++column;
    }
  }
  return column;
}

// Looks for the text at `offset` (up to its line's end) in the source lines after `start`.
SourcePos search_lines(const SourceFile& source, SourcePos start, std::string_view text,
                       std::size_t offset) {
  std::string_view needle = text.substr(offset);
  needle = needle.substr(0, std::min<std::size_t>(needle.find('\n'), 40));
  if (needle.empty()) return start;
  for (std::uint32_t number = start.line; number < start.line + 10000; ++number) {
    std::string_view line = source.line(number);
    if (line.empty() && number > start.line && source.line(number + 1).empty()) break;
    std::size_t from = number == start.line ? start.column - 1 : 0;
    std::size_t found = from < line.size() ? line.find(needle, from) : std::string_view::npos;
    if (found != std::string_view::npos) return {number, to_u32(found + 1)};
  }
  return start;
}

SourcePos in_literal_block(const SourceFile& source, SourcePos start, std::string_view text,
                           std::size_t offset) {
  std::uint32_t number = start.line + 1;
  std::size_t indent = 0;
  for (std::uint32_t probe = number; probe < number + 1000; ++probe) {
    std::string_view line = source.line(probe);
    if (line.find_first_not_of(' ') != std::string_view::npos) {
      indent = indentation(line);
      break;
    }
  }
  std::string_view before = text.substr(0, offset);
  std::size_t newlines = static_cast<std::size_t>(std::count(before.begin(), before.end(), '\n'));
  std::size_t last = before.rfind('\n');
  std::size_t column = last == std::string_view::npos ? offset : offset - last - 1;
  return {to_u32(number + newlines), to_u32(indent + column + 1)};
}

}  // namespace

SourcePos position_in_scalar(const SourceFile* source, SourcePos start, std::string_view text,
                             std::size_t offset) {
  if (!source || !start.is_known()) return start;
  offset = std::min(offset, text.size());
  std::string_view line = source->line(start.line);
  std::size_t open = start.column - 1;
  if (open >= line.size()) return start;
  char first = line[open];
  if (first == '|') return in_literal_block(*source, start, text, offset);
  if (first == '>') return search_lines(*source, start, text, offset);
  bool on_first_line = text.substr(0, offset).find('\n') == std::string_view::npos;
  if (first == '\'' || first == '"') {
    std::size_t column = quoted_column(line, open, offset);
    if (on_first_line && column < line.size()) return {start.line, to_u32(column + 1)};
    return search_lines(*source, start, text, offset);
  }
  if (on_first_line && open + offset < line.size() &&
      line.substr(open + offset, 1) == text.substr(offset, 1)) {
    return {start.line, to_u32(open + offset + 1)};
  }
  return search_lines(*source, start, text, offset);
}

}  // namespace flowrun
