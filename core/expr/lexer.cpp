#include "core/expr/lexer.hpp"

#include <cmath>

#include "core/expr/value.hpp"

namespace flowrun::expr {
namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

bool is_boundary(char c) {
  switch (c) {
    case '(':
    case '[':
    case ')':
    case ']':
    case ',':
    case '.':
    case '!':
    case '>':
    case '<':
    case '=':
    case '&':
    case '|':
      return true;
    default:
      return is_space(c);
  }
}

bool is_legal_identifier(std::string_view text) {
  if (text.empty()) return false;
  auto is_alpha = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  };
  if (!is_alpha(text[0])) return false;
  for (char c : text.substr(1)) {
    if (!is_alpha(c) && !(c >= '0' && c <= '9') && c != '-') return false;
  }
  return true;
}

class Lexer {
 public:
  Lexer(std::string_view text, std::vector<Token>& tokens) : text_(text), tokens_(tokens) {}

  std::optional<ParseError> run() {
    tokens_.clear();
    if (text_.size() > kMaxExpressionLength) {
      return ParseError{ParseError::Kind::Syntax,
                        "Exceeded max expression length " + std::to_string(kMaxExpressionLength),
                        0,
                        1,
                        {}};
    }
    while (offset_ < text_.size()) {
      start_ = offset_;
      char c = text_[offset_++];
      std::optional<ParseError> error = read(c);
      if (error) return error;
    }
    start_ = offset_;
    add(TokenType::End);
    return std::nullopt;
  }

 private:
  std::optional<ParseError> read(char c) {
    switch (c) {
      case '(':
        add(TokenType::LeftParen);
        return std::nullopt;
      case ')':
        add(TokenType::RightParen);
        return std::nullopt;
      case '[':
        add(TokenType::LeftBracket);
        return std::nullopt;
      case ']':
        add(TokenType::RightBracket);
        return std::nullopt;
      case ',':
        add(TokenType::Comma);
        return std::nullopt;
      case '*':
        add(TokenType::Star);
        return std::nullopt;
      case '.': {
        TokenType prev = previous();
        if (prev == TokenType::Identifier || prev == TokenType::RightBracket ||
            prev == TokenType::RightParen || prev == TokenType::Star) {
          add(TokenType::Dot);
          return std::nullopt;
        }
        return number();
      }
      case '-':
      case '+':
        return number();
      case '!':
        add(match('=') ? TokenType::BangEqual : TokenType::Bang);
        return std::nullopt;
      case '<':
        add(match('=') ? TokenType::LessEqual : TokenType::Less);
        return std::nullopt;
      case '>':
        add(match('=') ? TokenType::GreaterEqual : TokenType::Greater);
        return std::nullopt;
      case '=':
        if (!match('=')) return identifier();
        add(TokenType::EqualEqual);
        return std::nullopt;
      case '&':
        if (!match('&')) return identifier();
        add(TokenType::And);
        return std::nullopt;
      case '|':
        if (!match('|')) return identifier();
        add(TokenType::Or);
        return std::nullopt;
      case '\'':
        return string();
      default:
        if (is_space(c)) return std::nullopt;
        if (c >= '0' && c <= '9') return number();
        return identifier();
    }
  }

  std::optional<ParseError> number() {
    while (offset_ < text_.size() && (!is_boundary(text_[offset_]) || text_[offset_] == '.')) {
      ++offset_;
    }
    double value = parse_number(lexeme());
    if (std::isnan(value)) return unexpected();
    Token& token = add(TokenType::Number);
    token.number = value;
    return std::nullopt;
  }

  std::optional<ParseError> string() {
    std::string value;
    while (offset_ < text_.size()) {
      char c = text_[offset_];
      if (c == '\'') {
        if (offset_ + 1 < text_.size() && text_[offset_ + 1] == '\'') {
          value += '\'';
          offset_ += 2;
          continue;
        }
        ++offset_;
        Token& token = add(TokenType::String);
        token.text = std::move(value);
        return std::nullopt;
      }
      value += c;
      ++offset_;
    }
    return unexpected();  // unterminated string
  }

  std::optional<ParseError> identifier() {
    while (offset_ < text_.size() && !is_boundary(text_[offset_])) ++offset_;
    std::string_view word = lexeme();
    TokenType type = TokenType::Identifier;
    double value = 0;
    if (previous() != TokenType::Dot) {
      if (word == "true") type = TokenType::True;
      if (word == "false") type = TokenType::False;
      if (word == "null") type = TokenType::Null;
      if (word == "NaN") type = TokenType::Number, value = std::nan("");
      if (word == "Infinity") type = TokenType::Number, value = HUGE_VAL;
    }
    if (!is_legal_identifier(word)) return unexpected();
    Token& token = add(type);
    token.number = value;
    return std::nullopt;
  }

  ParseError unexpected() const {
    return ParseError{ParseError::Kind::Syntax,
                      "Unexpected symbol: '" + std::string(lexeme()) + "'",
                      static_cast<std::uint32_t>(start_),
                      static_cast<std::uint32_t>(std::max<std::size_t>(1, offset_ - start_)),
                      {}};
  }

  bool match(char expected) {
    if (offset_ >= text_.size() || text_[offset_] != expected) return false;
    ++offset_;
    return true;
  }

  TokenType previous() const { return tokens_.empty() ? TokenType::End : tokens_.back().type; }
  std::string_view lexeme() const { return text_.substr(start_, offset_ - start_); }

  Token& add(TokenType type) {
    Token token;
    token.type = type;
    token.offset = static_cast<std::uint32_t>(start_);
    token.length = static_cast<std::uint32_t>(offset_ - start_);
    if (type != TokenType::String) token.text = std::string(lexeme());
    tokens_.push_back(std::move(token));
    return tokens_.back();
  }

  std::string_view text_;
  std::vector<Token>& tokens_;
  std::size_t start_ = 0;
  std::size_t offset_ = 0;
};

}  // namespace

std::optional<ParseError> lex(std::string_view text, std::vector<Token>& tokens) {
  return Lexer(text, tokens).run();
}

}  // namespace flowrun::expr
