#include <fmt/format.h>

#include "core/asl/choice_rules.hpp"

namespace flowrun::asl {

MatchPattern::MatchPattern(std::string_view pattern) : pieces_(1) {
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c == '*') {
      pieces_.emplace_back();
      continue;
    }
    if (c == '\\') {
      // The specification: `\*` and `\\` are the only escapes; any other backslash is an open
      // escape, an error when the pattern is used (not when the definition is loaded).
      if (i + 1 == pattern.size() || (pattern[i + 1] != '*' && pattern[i + 1] != '\\')) {
        error_ = fmt::format(
            "StringMatches pattern '{}' has a backslash at offset {} that escapes neither '*' "
            "nor '\\'",
            pattern, i);
        return;
      }
      c = pattern[++i];
    }
    pieces_.back() += c;
  }
}

bool MatchPattern::matches(std::string_view text) const {
  if (!error_.empty()) throw AslError("States.Runtime", error_);
  const std::string& first = pieces_.front();
  if (pieces_.size() == 1) return text == first;
  const std::string& last = pieces_.back();
  if (text.size() < first.size() + last.size() || !text.starts_with(first) ||
      !text.ends_with(last)) {
    return false;
  }
  // Each middle piece at its leftmost place after the previous one: with stars only, the
  // earliest place never loses a match a later one would find (linear, no backtracking).
  const std::string_view middle = text.substr(0, text.size() - last.size());
  std::size_t from = first.size();
  for (std::size_t i = 1; i + 1 < pieces_.size(); ++i) {
    std::size_t found = middle.find(pieces_[i], from);
    if (found == std::string_view::npos) return false;
    from = found + pieces_[i].size();
  }
  return true;
}

bool string_matches(std::string_view text, std::string_view pattern) {
  return MatchPattern(pattern).matches(text);
}

}  // namespace flowrun::asl
