#include "core/graph/text_canvas.hpp"

#include <utility>

namespace flowrun::graph {
namespace {

Glyphs make_glyphs(bool unicode) {
  if (unicode) return {true, "▼", " · ", "→", "←", "↺", "│  ", "╭─ ", "╰─"};
  return {false, "v", " : ", "->", "<-", "(loop)", "|  ", "+- ", "+-"};
}

/// Decodes the code point starting at `at`; `length` gets its byte count (1 for bad bytes).
char32_t decode(std::string_view text, std::size_t at, std::size_t& length) {
  const auto lead = static_cast<unsigned char>(text[at]);
  std::size_t count = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
  if (at + count > text.size()) count = 1;
  length = count;
  if (count == 1) return lead;
  char32_t point = lead & (0x7F >> count);
  for (std::size_t i = 1; i < count; ++i) {
    point = (point << 6) | (static_cast<unsigned char>(text[at + i]) & 0x3F);
  }
  return point;
}

bool is_wide(char32_t c) {
  return (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0xA4CF && c != 0x303F) ||
         (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
         (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
         (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x1F300 && c <= 0x1FAFF) ||
         (c >= 0x20000 && c <= 0x3FFFD);
}

}  // namespace

std::string_view Glyphs::line(unsigned directions) const {
  const bool up = directions & LineUp, down = directions & LineDown;
  const bool left = directions & LineLeft, right = directions & LineRight;
  const bool vertical = up || down, horizontal = left || right;
  if (!vertical && !horizontal) return " ";
  if (!unicode) {
    if (vertical && horizontal) return "+";
    return vertical ? "|" : "-";
  }
  if (!horizontal) return "│";
  if (!vertical) return "─";
  if (up && down) return left && right ? "┼" : left ? "┤" : "├";
  if (left && right) return up ? "┴" : "┬";
  if (down) return left ? "┐" : "┌";
  return left ? "┘" : "└";
}

std::string Glyphs::shown(std::string_view text) const {
  if (unicode) return std::string(text);
  static const std::pair<std::string_view, std::string_view> kReplacements[] = {
      {"·", ":"},   {"×", "x"},        {"→", "->"}, {"←", "<-"},
      {"…", "..."}, {"↻", "(repeat)"}, {"≤", "<="}};
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    bool replaced = false;
    for (const auto& [symbol, ascii] : kReplacements) {
      if (text.substr(i, symbol.size()) == symbol) {
        out += ascii;
        i += symbol.size();
        replaced = true;
        break;
      }
    }
    if (!replaced) out += text[i++];
  }
  return out;
}

const Glyphs& glyphs_for(bool unicode) {
  static const Glyphs kUnicode = make_glyphs(true);
  static const Glyphs kAscii = make_glyphs(false);
  return unicode ? kUnicode : kAscii;
}

int display_width(std::string_view text) {
  int width = 0;
  for (std::size_t i = 0; i < text.size();) {
    std::size_t length = 1;
    const char32_t point = decode(text, i, length);
    i += length;
    if (point >= 0x300 && point <= 0x36F) continue;  // combining marks
    width += is_wide(point) ? 2 : 1;
  }
  return width;
}

CanvasRow::CanvasRow(int width) : cells_(static_cast<std::size_t>(width > 0 ? width : 0), " ") {}

void CanvasRow::put(int column, std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    std::size_t length = 1;
    const char32_t point = decode(text, i, length);
    const int cells = is_wide(point) ? 2 : 1;
    if (column < 0) {
      column += cells;
      i += length;
      continue;
    }
    if (static_cast<std::size_t>(column + cells) > cells_.size()) {
      cells_.resize(static_cast<std::size_t>(column + cells), " ");
    }
    cells_[static_cast<std::size_t>(column)] = std::string(text.substr(i, length));
    if (cells == 2) cells_[static_cast<std::size_t>(column + 1)].clear();
    column += cells;
    i += length;
  }
}

std::string CanvasRow::str() const {
  std::size_t end = cells_.size();
  while (end > 0 && cells_[end - 1] == " ") --end;
  std::string out;
  for (std::size_t i = 0; i < end; ++i) out += cells_[i];
  return out;
}

std::vector<std::string> wrap_words(const std::string& first, const std::vector<std::string>& words,
                                    std::string_view separator, const std::string& indent,
                                    int width) {
  std::vector<std::string> lines{first};
  int used = display_width(first);
  const int separator_width = display_width(separator);
  const int indent_width = display_width(indent);
  for (std::size_t i = 0; i < words.size(); ++i) {
    const bool last = i + 1 == words.size();
    const std::string word = last ? words[i] : words[i] + std::string(separator);
    const int word_width = display_width(words[i]) + (last ? 0 : separator_width);
    const bool line_has_words = used > (lines.size() == 1 ? display_width(first) : indent_width);
    if (line_has_words && used + word_width > width) {
      while (!lines.back().empty() && lines.back().back() == ' ') lines.back().pop_back();
      lines.push_back(indent);
      used = indent_width;
    }
    lines.back() += word;
    used += word_width;
  }
  return lines;
}

}  // namespace flowrun::graph
