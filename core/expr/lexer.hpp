#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace flowrun::expr {

enum class TokenType {
  LeftParen,
  RightParen,
  LeftBracket,
  RightBracket,
  Comma,
  Dot,
  Bang,
  BangEqual,
  EqualEqual,
  Greater,
  GreaterEqual,
  Less,
  LessEqual,
  And,
  Or,
  Star,
  Number,
  String,
  Identifier,
  True,
  False,
  Null,
  End
};

/// One token; `offset` and `length` are byte positions in the expression text.
struct Token {
  TokenType type = TokenType::End;
  std::uint32_t offset = 0;
  std::uint32_t length = 0;
  double number = 0;  ///< Number
  std::string text;   ///< String: the decoded value; others: the lexeme
};

/// Why an expression could not be read. Offsets are bytes into the expression text.
struct ParseError {
  enum class Kind {
    Syntax,           ///< unexpected symbol, end of expression, bad format string ...
    UnknownContext,   ///< `name` is not a context
    UnknownFunction,  ///< `name` is not a function
    ArgumentCount     ///< too few or too many arguments for `name`
  };
  Kind kind = Kind::Syntax;
  std::string message;  ///< GitHub's wording, e.g. "Unexpected symbol: 'b@r'"
  std::uint32_t offset = 0;
  std::uint32_t length = 1;
  std::string name;
};

/// Longest expression accepted, as GitHub's.
constexpr std::size_t kMaxExpressionLength = 21000;

/// Splits `text` into tokens ending with an End token, or reports the first bad symbol.
/// Follows GitHub's lexer: numbers by JavaScript's Number() (hex, octal, exponents,
/// Infinity, NaN), 'strings' with '' for a quote, `-`/`+` starting a number.
std::optional<ParseError> lex(std::string_view text, std::vector<Token>& tokens);

}  // namespace flowrun::expr
