#pragma once

#include <fmt/format.h>

#include <charconv>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/asl/jsonpath.hpp"

// The reading position shared by the path parser and the filter parser (which parses the
// `@`/`$` paths inside a filter by calling back into the path parser).

namespace flowrun::asl {

struct FilterExpr;

class PathCursor {
 public:
  explicit PathCursor(std::string_view text) : text_(text) {}

  [[noreturn]] void fail(const std::string& message) const { throw PathSyntaxError(message, pos_); }
  bool at_end() const { return pos_ >= text_.size(); }
  char peek(std::size_t ahead = 0) const {
    return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0';
  }
  bool eat(char c) {
    if (at_end() || peek() != c) return false;
    ++pos_;
    return true;
  }
  bool eat_word(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }
  void expect(char c) {
    if (eat(c)) return;
    if (at_end()) fail(fmt::format("expected '{}' but the path ends", c));
    fail(fmt::format("expected '{}' but found '{}'", c, peek()));
  }
  void skip_spaces() {
    while (!at_end() && (peek() == ' ' || peek() == '\t' || peek() == '\n' || peek() == '\r')) {
      ++pos_;
    }
  }

  /// A quoted string (`'...'` or `"..."`, backslash escapes the next character).
  std::string parse_quoted() {
    char quote = text_[pos_++];
    std::string out;
    while (true) {
      if (at_end()) fail("unterminated quoted name");
      char c = text_[pos_++];
      if (c == quote) return out;
      if (c == '\\' && !at_end()) c = text_[pos_++];
      out.push_back(c);
    }
  }

  /// An optionally negative integer, or nullopt (position unchanged) when there is none.
  std::optional<std::int64_t> parse_optional_int() {
    std::size_t start = pos_;
    if (peek() == '-') ++pos_;
    while (!at_end() && peek() >= '0' && peek() <= '9') ++pos_;
    if (pos_ == start || (pos_ == start + 1 && text_[start] == '-')) {
      pos_ = start;
      return std::nullopt;
    }
    std::int64_t value = 0;
    auto [end, error] = std::from_chars(text_.data() + start, text_.data() + pos_, value);
    if (error != std::errc()) {
      pos_ = start;
      fail("the index is out of range");
    }
    return value;
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

/// Parses the expression of `[?( ... )]` from just after `?(` up to (not including) the
/// closing `)`. `parse_path` parses the segments of an `@` or `$` operand.
std::shared_ptr<const FilterExpr> parse_filter_expression(
    PathCursor& cursor, const std::function<std::vector<PathSegment>()>& parse_path);

/// True when `segment` selects at most one node.
inline bool is_definite_segment(const PathSegment& segment) {
  return !segment.descendant &&
         (segment.kind == PathSegment::Kind::Name || segment.kind == PathSegment::Kind::Index);
}

}  // namespace flowrun::asl
