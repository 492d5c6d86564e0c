#include "core/expr/parser.hpp"

#include <algorithm>
#include <cmath>

#include "core/expr/functions.hpp"

namespace flowrun::expr {
namespace {

constexpr int kMaxDepth = 50;

// Checks a literal format() string: well-formed braces, and the highest {N} it uses.
bool check_format_string(std::string_view text, int& max_index) {
  max_index = -1;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t left = text.find('{', i);
    std::size_t right = text.find('}', i);
    if (left == std::string_view::npos && right == std::string_view::npos) break;
    if (left != std::string_view::npos && (right == std::string_view::npos || left < right)) {
      if (left + 1 < text.size() && text[left + 1] == '{') {
        i = left + 2;
        continue;
      }
      right = text.find('}', left + 1);
      if (right == std::string_view::npos || right == left + 1) return false;
      int index = 0;
      for (std::size_t j = left + 1; j < right; ++j) {
        if (text[j] < '0' || text[j] > '9') return false;
        index = index * 10 + (text[j] - '0');
        if (index > 1000000) return false;
      }
      max_index = std::max(max_index, index);
      i = right + 1;
      continue;
    }
    if (right + 1 < text.size() && text[right + 1] == '}') {
      i = right + 2;
      continue;
    }
    return false;
  }
  return true;
}

class Parser {
 public:
  Parser(const std::vector<Token>& tokens, const ParseOptions& options)
      : tokens_(tokens), options_(options) {}

  NodePtr parse() {
    if (at_end()) return nullptr;
    NodePtr root = expression();
    if (!at_end()) throw error(ParseError::Kind::Syntax, "Unexpected symbol", peek());
    return root;
  }

 private:
  NodePtr expression() {
    if (++depth_ > kMaxDepth) {
      throw error(ParseError::Kind::Syntax,
                  "Exceeded max expression depth " + std::to_string(kMaxDepth), peek());
    }
    NodePtr node = logical(TokenType::Or);
    --depth_;
    return node;
  }

  // `||` joins `&&` groups; `&&` joins equalities. Both keep all operands in one node.
  NodePtr logical(TokenType op) {
    NodePtr first = op == TokenType::Or ? logical(TokenType::And) : equality();
    if (!check(op)) return first;
    auto node = make(op == TokenType::Or ? NodeKind::Or : NodeKind::And, first->offset);
    node->children.push_back(std::move(first));
    while (match(op)) {
      node->children.push_back(op == TokenType::Or ? logical(TokenType::And) : equality());
    }
    finish(*node);
    return node;
  }

  NodePtr equality() {
    NodePtr left = comparison();
    while (check(TokenType::EqualEqual) || check(TokenType::BangEqual)) {
      CompareOp op = next().type == TokenType::EqualEqual ? CompareOp::Equal : CompareOp::NotEqual;
      left = binary(std::move(left), op, comparison());
    }
    return left;
  }

  NodePtr comparison() {
    NodePtr left = unary();
    for (;;) {
      CompareOp op;
      if (check(TokenType::Greater)) {
        op = CompareOp::Greater;
      } else if (check(TokenType::GreaterEqual)) {
        op = CompareOp::GreaterEqual;
      } else if (check(TokenType::Less)) {
        op = CompareOp::Less;
      } else if (check(TokenType::LessEqual)) {
        op = CompareOp::LessEqual;
      } else {
        return left;
      }
      next();
      left = binary(std::move(left), op, unary());
    }
  }

  NodePtr binary(NodePtr left, CompareOp op, NodePtr right) {
    auto node = make(NodeKind::Compare, left->offset);
    node->op = op;
    node->children.push_back(std::move(left));
    node->children.push_back(std::move(right));
    finish(*node);
    return node;
  }

  NodePtr unary() {
    if (!check(TokenType::Bang)) return index();
    const Token& bang = next();
    if (++depth_ > kMaxDepth) {
      throw error(ParseError::Kind::Syntax,
                  "Exceeded max expression depth " + std::to_string(kMaxDepth), peek());
    }
    auto node = make(NodeKind::Not, bang.offset);
    node->children.push_back(unary());
    --depth_;
    finish(*node);
    return node;
  }

  NodePtr index() {
    NodePtr node = call();
    if (node->kind != NodeKind::Group && node->kind != NodeKind::Call &&
        node->kind != NodeKind::Context) {
      return node;
    }
    for (;;) {
      if (match(TokenType::LeftBracket)) {
        auto access = make(NodeKind::Index, node->offset);
        access->children.push_back(std::move(node));
        if (match(TokenType::Star)) {
          access->star = true;
        } else {
          access->children.push_back(expression());
        }
        consume(TokenType::RightBracket);
        finish(*access);
        node = std::move(access);
      } else if (match(TokenType::Dot)) {
        auto access = make(NodeKind::Index, node->offset);
        access->children.push_back(std::move(node));
        if (check(TokenType::Identifier)) {
          const Token& name = next();
          auto key = make(NodeKind::Literal, name.offset);
          key->literal = name.text;
          key->length = name.length;
          access->property = true;
          access->children.push_back(std::move(key));
        } else if (match(TokenType::Star)) {
          access->star = true;
        } else {
          throw error(ParseError::Kind::Syntax, "Unexpected symbol", peek());
        }
        finish(*access);
        node = std::move(access);
      } else {
        return node;
      }
    }
  }

  NodePtr call() {
    if (!check(TokenType::Identifier)) return primary();
    const Token& name = next();
    if (!match(TokenType::LeftParen)) {
      if (options_.contexts && !is_context(name.text)) {
        ParseError e = error(ParseError::Kind::UnknownContext, "Unrecognized named-value", name);
        e.name = name.text;
        throw e;
      }
      auto node = make(NodeKind::Context, name.offset);
      node->name = name.text;
      node->length = name.length;
      return node;
    }
    auto node = make(NodeKind::Call, name.offset);
    node->name = name.text;
    while (!match(TokenType::RightParen)) {
      node->children.push_back(expression());
      if (!check(TokenType::RightParen)) consume(TokenType::Comma);
    }
    finish(*node);
    check_call(*node, name);
    return node;
  }

  void check_call(const Node& node, const Token& name) {
    const FunctionInfo* info = find_function(name.text);
    if (!info) {
      ParseError e = error(ParseError::Kind::UnknownFunction, "Unrecognized function", name);
      e.name = name.text;
      throw e;
    }
    int count = static_cast<int>(node.children.size());
    const char* problem = count < info->min_args   ? "Too few parameters supplied"
                          : count > info->max_args ? "Too many parameters supplied"
                          : info->name == "case" && count % 2 == 0
                              ? "Even number of parameters supplied, requires an odd number of "
                                "parameters"
                              : nullptr;
    if (problem) {
      ParseError e = error(ParseError::Kind::ArgumentCount, problem, name);
      e.name = name.text;
      throw e;
    }
    if (info->name == "format" && node.children[0]->kind == NodeKind::Literal &&
        node.children[0]->literal.is_string()) {
      int max_index = -1;
      const Node& format = *node.children[0];
      if (!check_format_string(format.literal.get_ref<const std::string&>(), max_index)) {
        throw ParseError{
            ParseError::Kind::Syntax, "Invalid format string", format.offset, format.length, {}};
      }
      if (max_index >= count - 1) {
        throw ParseError{ParseError::Kind::Syntax,
                         "Format string references {" + std::to_string(max_index) + "} but only " +
                             std::to_string(count - 1) + " argument(s) provided",
                         format.offset,
                         format.length,
                         {}};
      }
    }
  }

  NodePtr primary() {
    if (at_end()) {
      throw error(ParseError::Kind::Syntax, "Unexpected end of expression", previous());
    }
    const Token& token = peek();
    auto node = make(NodeKind::Literal, token.offset);
    node->length = token.length;
    switch (token.type) {
      case TokenType::False:
        node->literal = false;
        break;
      case TokenType::True:
        node->literal = true;
        break;
      case TokenType::Null:
        break;
      case TokenType::Number:
        node->literal = make_number(token.number);
        break;
      case TokenType::String:
        node->literal = token.text;
        break;
      case TokenType::LeftParen: {
        next();
        auto group = make(NodeKind::Group, token.offset);
        group->children.push_back(expression());
        if (at_end()) {
          throw error(ParseError::Kind::Syntax, "Unexpected end of expression", previous());
        }
        consume(TokenType::RightParen);
        finish(*group);
        return group;
      }
      default:
        throw error(ParseError::Kind::Syntax, "Unexpected symbol", token);
    }
    next();
    return node;
  }

  bool is_context(const std::string& name) const {
    for (const auto& context : *options_.contexts) {
      if (equals_ignore_case(context, name)) return true;
    }
    return false;
  }

  NodePtr make(NodeKind kind, std::uint32_t offset) {
    auto node = std::make_unique<Node>();
    node->kind = kind;
    node->offset = offset;
    return node;
  }

  // The node ends where the last consumed token ends.
  void finish(Node& node) {
    const Token& last = previous();
    node.length = last.offset + last.length - node.offset;
  }

  ParseError error(ParseError::Kind kind, const std::string& what, const Token& token) const {
    std::string shown = token.type == TokenType::End ? "EOF" : token.text;
    return ParseError{kind,
                      what + ": '" + shown + "'",
                      token.offset,
                      std::max<std::uint32_t>(1, token.length),
                      {}};
  }

  void consume(TokenType type) {
    if (!match(type)) throw error(ParseError::Kind::Syntax, "Unexpected symbol", peek());
  }
  bool match(TokenType type) {
    if (!check(type)) return false;
    ++position_;
    return true;
  }
  bool check(TokenType type) const { return !at_end() && peek().type == type; }
  bool at_end() const { return peek().type == TokenType::End; }
  const Token& peek() const { return tokens_[position_]; }
  const Token& previous() const { return tokens_[position_ == 0 ? 0 : position_ - 1]; }
  const Token& next() {
    if (!at_end()) ++position_;
    return previous();
  }

  const std::vector<Token>& tokens_;
  const ParseOptions& options_;
  std::size_t position_ = 0;
  int depth_ = 0;
};

}  // namespace

Parsed parse(std::string_view text, const ParseOptions& options) {
  Parsed parsed;
  std::vector<Token> tokens;
  if (auto error = lex(text, tokens)) {
    parsed.error = std::move(error);
    return parsed;
  }
  try {
    parsed.root = Parser(tokens, options).parse();
  } catch (ParseError& error) {
    parsed.error = std::move(error);
  }
  return parsed;
}

std::string describe(const ParseError& error, std::string_view text) {
  return error.message + ". Located at position " + std::to_string(error.offset + 1) +
         " within expression: " + std::string(text);
}

}  // namespace flowrun::expr
