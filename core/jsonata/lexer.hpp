#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

// The tokenizer of JSONata, as jsonata-js's: the parser pulls one token at a time and tells
// whether a `/` may start a regular expression there (it may not after an operand).

namespace flowrun::jsonata {

enum class TokenType { End, Operator, Name, Variable, String, Number, Value, Regex };

struct Token {
  TokenType type = TokenType::End;
  /// Operator text, name, variable name (without `$`), string contents, or regex pattern.
  std::string text;
  double number = 0;
  /// For Value tokens: "true", "false" or "null" (in `text`); for Regex: the flags.
  std::string flags;
  /// The offset just past the token, as jsonata-js reports positions.
  std::size_t position = 0;
};

class Lexer {
 public:
  explicit Lexer(std::string_view source) : source_(source) {}
  /// The next token; End at the end of the text. `infix` forbids a regex (after an operand).
  Token next(bool infix);

 private:
  Token make(TokenType type, std::string text) const;
  void skip_space_and_comments();
  Token scan_regex();
  Token scan_string(char quote);
  std::optional<Token> scan_number();
  Token scan_name();
  std::optional<Token> scan_operator();

  std::string_view source_;
  std::size_t position_ = 0;
};

/// True when `c` ends a name (an operator character or white space).
bool is_name_stop(char c);

}  // namespace flowrun::jsonata
