#include "core/jsonata/lexer.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>

#include "core/jsonata/errors.hpp"
#include "core/jsonata/utf8.hpp"

namespace flowrun::jsonata {
namespace {

constexpr std::string_view kSingleOperators = ".[]{}(),@#;:?+-*/%|=<>^&!~";
constexpr std::string_view kDoubleOperators[] = {
    "..", ":=", "!=", ">=", "<=", "**", "~>", "?:", "??"};

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v'; }

bool is_digit(char c) { return c >= '0' && c <= '9'; }

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

bool is_name_stop(char c) {
  return is_space(c) || kSingleOperators.find(c) != std::string_view::npos;
}

Token Lexer::make(TokenType type, std::string text) const {
  Token token;
  token.type = type;
  token.text = std::move(text);
  token.position = position_;
  return token;
}

void Lexer::skip_space_and_comments() {
  for (;;) {
    while (position_ < source_.size() && is_space(source_[position_])) ++position_;
    if (source_.substr(position_, 2) != "/*") return;
    std::size_t start = position_;
    std::size_t close = source_.find("*/", position_ + 2);
    if (close == std::string_view::npos) throw_error("S0106", start);
    position_ = close + 2;
  }
}

Token Lexer::next(bool infix) {
  skip_space_and_comments();
  if (position_ >= source_.size()) return make(TokenType::End, "");
  char c = source_[position_];
  if (!infix && c == '/') {
    ++position_;
    return scan_regex();
  }
  if (auto op = scan_operator()) return *op;
  if (c == '"' || c == '\'') return scan_string(c);
  if (auto number = scan_number()) return *number;
  if (c == '`') {
    std::size_t close = source_.find('`', position_ + 1);
    if (close == std::string_view::npos) {
      position_ = source_.size();
      throw_error("S0105", position_);
    }
    std::string name(source_.substr(position_ + 1, close - position_ - 1));
    position_ = close + 1;
    return make(TokenType::Name, std::move(name));
  }
  return scan_name();
}

std::optional<Token> Lexer::scan_operator() {
  for (std::string_view op : kDoubleOperators) {
    if (source_.substr(position_, 2) == op) {
      position_ += 2;
      return make(TokenType::Operator, std::string(op));
    }
  }
  if (kSingleOperators.find(source_[position_]) != std::string_view::npos) {
    ++position_;
    return make(TokenType::Operator, std::string(1, source_[position_ - 1]));
  }
  return std::nullopt;
}

Token Lexer::scan_regex() {
  // The opening `/` is consumed. The closing one is an unescaped `/` outside brackets.
  std::size_t start = position_;
  int depth = 0;
  while (position_ < source_.size()) {
    char c = source_[position_];
    if (c == '/' && depth == 0) {
      std::size_t backslashes = 0;
      while (position_ > backslashes && source_[position_ - backslashes - 1] == '\\') {
        ++backslashes;
      }
      if (backslashes % 2 == 0) {
        std::string pattern(source_.substr(start, position_ - start));
        if (pattern.empty()) throw_error("S0301", position_);
        ++position_;
        std::size_t flags_start = position_;
        while (position_ < source_.size() &&
               (source_[position_] == 'i' || source_[position_] == 'm')) {
          ++position_;
        }
        Token token = make(TokenType::Regex, std::move(pattern));
        token.flags = std::string(source_.substr(flags_start, position_ - flags_start));
        return token;
      }
    }
    bool escaped = position_ > 0 && source_[position_ - 1] == '\\';
    if ((c == '(' || c == '[' || c == '{') && !escaped) ++depth;
    if ((c == ')' || c == ']' || c == '}') && !escaped) --depth;
    ++position_;
  }
  throw_error("S0302", position_);
}

Token Lexer::scan_string(char quote) {
  ++position_;
  std::string text;
  while (position_ < source_.size()) {
    char c = source_[position_];
    if (c == '\\') {
      ++position_;
      char e = position_ < source_.size() ? source_[position_] : '\0';
      switch (e) {
        case '"':
          text += '"';
          break;
        case '\\':
          text += '\\';
          break;
        case '/':
          text += '/';
          break;
        case 'b':
          text += '\b';
          break;
        case 'f':
          text += '\f';
          break;
        case 'n':
          text += '\n';
          break;
        case 'r':
          text += '\r';
          break;
        case 't':
          text += '\t';
          break;
        case 'u': {
          std::uint32_t unit = 0;
          for (std::size_t i = 1; i <= 4; ++i) {
            int digit = position_ + i < source_.size() ? hex_value(source_[position_ + i]) : -1;
            if (digit < 0) throw_error("S0104", position_);
            unit = unit * 16 + static_cast<std::uint32_t>(digit);
          }
          position_ += 4;
          // A surrogate pair written as two escapes is one character.
          if (unit >= 0xD800 && unit <= 0xDBFF && source_.substr(position_ + 1, 2) == "\\u") {
            std::uint32_t low = 0;
            bool valid = true;
            for (std::size_t i = 3; i <= 6; ++i) {
              int digit = position_ + i < source_.size() ? hex_value(source_[position_ + i]) : -1;
              if (digit < 0) valid = false;
              low = low * 16 + static_cast<std::uint32_t>(digit < 0 ? 0 : digit);
            }
            if (valid && low >= 0xDC00 && low <= 0xDFFF) {
              unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
              position_ += 6;
            }
          }
          append_utf8(text, unit);
          break;
        }
        default: {
          throw_error("S0103", position_, {.token = std::string(1, e)});
        }
      }
    } else if (c == quote) {
      ++position_;
      return make(TokenType::String, std::move(text));
    } else {
      text += c;
    }
    ++position_;
  }
  throw_error("S0101", position_);
}

std::optional<Token> Lexer::scan_number() {
  // -?(0|[1-9][0-9]*)(\.[0-9]+)?([Ee][-+]?[0-9]+)?
  std::size_t at = position_;
  if (at < source_.size() && source_[at] == '-') ++at;
  if (at >= source_.size() || !is_digit(source_[at])) return std::nullopt;
  if (source_[at] == '0') {
    ++at;
  } else {
    while (at < source_.size() && is_digit(source_[at])) ++at;
  }
  if (at + 1 < source_.size() && source_[at] == '.' && is_digit(source_[at + 1])) {
    ++at;
    while (at < source_.size() && is_digit(source_[at])) ++at;
  }
  if (at < source_.size() && (source_[at] == 'e' || source_[at] == 'E')) {
    std::size_t exp = at + 1;
    if (exp < source_.size() && (source_[exp] == '+' || source_[exp] == '-')) ++exp;
    if (exp < source_.size() && is_digit(source_[exp])) {
      while (exp < source_.size() && is_digit(source_[exp])) ++exp;
      at = exp;
    }
  }
  std::string text(source_.substr(position_, at - position_));
  double value = std::strtod(text.c_str(), nullptr);
  if (!std::isfinite(value)) throw_error("S0102", position_, {.token = text});
  position_ = at;
  Token token = make(TokenType::Number, text);
  token.number = value;
  return token;
}

Token Lexer::scan_name() {
  std::size_t end = position_;
  while (end < source_.size() && !is_name_stop(source_[end])) ++end;
  std::string_view name = source_.substr(position_, end - position_);
  position_ = end;
  if (!name.empty() && name[0] == '$')
    return make(TokenType::Variable, std::string(name.substr(1)));
  if (name == "and" || name == "or" || name == "in")
    return make(TokenType::Operator, std::string(name));
  if (name == "true" || name == "false" || name == "null") {
    return make(TokenType::Value, std::string(name));
  }
  if (name.empty() && position_ >= source_.size()) return make(TokenType::End, "");
  return make(TokenType::Name, std::string(name));
}

}  // namespace flowrun::jsonata
