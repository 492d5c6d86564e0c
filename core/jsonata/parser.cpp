#include "core/jsonata/parser.hpp"

#include <fmt/format.h>

#include "core/jsonata/errors.hpp"
#include "core/jsonata/lexer.hpp"
#include "core/jsonata/value.hpp"

// Top-down operator precedence (Pratt), following jsonata-js's parser: each token has a
// left binding power; `nud` parses it as a prefix, `led` as an infix after an operand.

namespace flowrun::jsonata {
namespace {

int binding_power(std::string_view op) {
  static const std::pair<std::string_view, int> kPowers[] = {
      {".", 75},  {"[", 80},  {"{", 70},   {"(", 80},  {"@", 80},  {"#", 80},  {"?", 20},
      {"+", 50},  {"-", 50},  {"*", 60},   {"/", 60},  {"%", 60},  {"=", 40},  {"<", 40},
      {">", 40},  {"^", 40},  {":=", 10},  {"!=", 40}, {"<=", 40}, {">=", 40}, {"~>", 40},
      {"?:", 40}, {"??", 40}, {"and", 30}, {"or", 25}, {"in", 40}, {"&", 50}};
  for (auto [name, power] : kPowers) {
    if (name == op) return power;
  }
  return 0;  // `]`, `)`, `}`, `,`, `:`, `;`, `..`, `**`, `|`, ...
}

bool is_known_operator(std::string_view op) {
  static constexpr std::string_view kKnown[] = {
      ".",  "[",  "]",  "{",  "}",  "(",  ")",  ",",  "@",   "#",  ";",  ":",
      "?",  "+",  "-",  "*",  "/",  "%",  "|",  "=",  "<",   ">",  "^",  "**",
      "..", ":=", "!=", "<=", ">=", "~>", "?:", "??", "and", "or", "in", "&"};
  for (std::string_view known : kKnown) {
    if (known == op) return true;
  }
  return false;
}

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text), lexer_(text) {}

  NodePtr parse() {
    advance("", false);
    NodePtr expr = expression(0);
    if (current_.type != TokenType::End) {
      throw_error("S0201", current_.position, {.token = token_value(current_)});
    }
    return expr;
  }

 private:
  // The token's id in the symbol table: the operator, or the kind of operand.
  static std::string_view id(const Token& token) {
    switch (token.type) {
      case TokenType::Operator:
        return token.text;
      case TokenType::End:
        return "(end)";
      default:
        return "(operand)";
    }
  }

  static nlohmann::json token_value(const Token& token) {
    switch (token.type) {
      case TokenType::Number:
        return token.number;
      case TokenType::Value:
        return token.text == "null" ? nlohmann::json() : nlohmann::json(token.text == "true");
      case TokenType::End:
        return nlohmann::json(nlohmann::json::value_t::discarded);
      default:
        return token.text;
    }
  }

  bool at(std::string_view op) const {
    return current_.type == TokenType::Operator && current_.text == op;
  }

  int left_power() const {
    return current_.type == TokenType::Operator ? binding_power(current_.text) : 0;
  }

  // Moves to the next token, first checking that the current one is `expected` (if given).
  void advance(std::string_view expected, bool infix) {
    if (!expected.empty() && !at(expected)) {
      throw_error(current_.type == TokenType::End ? "S0203" : "S0202", current_.position,
                  {.token = token_value(current_), .value = std::string(expected)});
    }
    current_ = lexer_.next(infix);
    if (current_.type == TokenType::End) current_.position = text_.size();
    if (current_.type == TokenType::Operator && !is_known_operator(current_.text)) {
      throw_error("S0204", current_.position, {.token = current_.text});
    }
  }

  NodePtr expression(int rbp) {
    if (++depth_ > kMaxParseDepth) {
      throw Error(
          "S0201", current_.position,
          fmt::format("Syntax error: the expression nests deeper than {} levels", kMaxParseDepth));
    }
    Token token = current_;
    advance("", true);
    NodePtr left = nud(token);
    while (rbp < left_power()) {
      token = current_;
      advance("", false);
      left = led(token, std::move(left));
    }
    --depth_;
    return left;
  }

  NodePtr make(NodeType type, const Token& token) {
    auto node = std::make_unique<Node>(type, token.position);
    node->value = token.text;
    return node;
  }

  NodePtr nud(const Token& token);
  NodePtr led(const Token& token, NodePtr left);
  NodePtr parse_block(const Token& token);
  NodePtr parse_array(const Token& token);
  NodePtr parse_object_pairs(NodePtr node);
  NodePtr parse_transform(const Token& token);
  NodePtr parse_call(const Token& token, NodePtr procedure);
  void parse_lambda(NodePtr& call);
  NodePtr parse_filter(const Token& token, NodePtr left);
  NodePtr parse_sort(const Token& token, NodePtr left);
  NodePtr parse_variable_binding(const Token& token, NodePtr left, std::string_view code);

  std::string_view text_;
  Lexer lexer_;
  Token current_;
  int depth_ = 0;
};

NodePtr Parser::nud(const Token& token) {
  switch (token.type) {
    case TokenType::Name:
      return make(NodeType::Name, token);
    case TokenType::Variable:
      return make(NodeType::Variable, token);
    case TokenType::String: {
      NodePtr node = make(NodeType::String, token);
      node->literal = token.text;
      return node;
    }
    case TokenType::Number: {
      NodePtr node = make(NodeType::Number, token);
      node->literal = make_number(token.number);
      return node;
    }
    case TokenType::Value: {
      NodePtr node = make(NodeType::Value, token);
      node->literal = token_value(token);
      return node;
    }
    case TokenType::Regex: {
      NodePtr node = make(NodeType::Regex, token);
      RegexOptions options{.ignore_case = token.flags.find('i') != std::string::npos,
                           .multiline = token.flags.find('m') != std::string::npos};
      std::shared_ptr<RegexLiteral> regex;
      try {
        regex = std::make_shared<RegexLiteral>(
            RegexLiteral{token.text, token.flags, Regex(token.text, options)});
      } catch (const RegexSyntaxError&) {
        throw_error("S0302", token.position);
      }
      node->regex = std::move(regex);
      return node;
    }
    case TokenType::End:
      return make(NodeType::End, token);
    case TokenType::Operator:
      break;
  }
  const std::string& op = token.text;
  if (op == "and" || op == "or" || op == "in") return make(NodeType::Operator, token);
  if (op == "-") {
    NodePtr node = make(NodeType::Negate, token);
    node->lhs = expression(70);
    return node;
  }
  if (op == "*") return make(NodeType::Wildcard, token);
  if (op == "**") return make(NodeType::Descendant, token);
  if (op == "%") return make(NodeType::Parent, token);
  if (op == "(") return parse_block(token);
  if (op == "[") return parse_array(token);
  if (op == "{") return parse_object_pairs(make(NodeType::ObjectConstructor, token));
  if (op == "|") return parse_transform(token);
  throw_error("S0211", token.position, {.token = op});
}

NodePtr Parser::led(const Token& token, NodePtr left) {
  const std::string& op = token.text;
  if (op == "(") return parse_call(token, std::move(left));
  if (op == "[") return parse_filter(token, std::move(left));
  if (op == "^") return parse_sort(token, std::move(left));
  if (op == "{") {
    NodePtr node = make(NodeType::Binary, token);
    node->lhs = std::move(left);
    node->is_operator_group = true;
    return parse_object_pairs(std::move(node));
  }
  if (op == ":=") {
    if (left->type != NodeType::Variable) {
      throw_error("S0212", left->position, {.token = left->value});
    }
    NodePtr node = make(NodeType::Bind, token);
    node->value = left->value;
    node->lhs = expression(binding_power(":=") - 1);
    return node;
  }
  if (op == "@" || op == "#") return parse_variable_binding(token, std::move(left), "S0214");
  if (op == "?") {
    NodePtr node = make(NodeType::Condition, token);
    node->lhs = std::move(left);
    node->rhs = expression(0);
    if (at(":")) {
      advance(":", false);
      node->third = expression(0);
    }
    return node;
  }
  if (op == "?:" || op == "??") {
    // `a ?: b` is `a ? a : b`; `a ?? b` is `$exists(a) ? a : b`. The condition is evaluated
    // once (the Condition node's `value` tells which test to apply).
    NodePtr node = make(NodeType::Condition, token);
    node->value = op;
    node->lhs = std::move(left);
    node->third = expression(0);
    return node;
  }
  NodePtr node = make(NodeType::Binary, token);
  node->lhs = std::move(left);
  node->rhs = expression(binding_power(op));
  return node;
}

NodePtr Parser::parse_block(const Token& token) {
  NodePtr node = make(NodeType::Block, token);
  while (!at(")")) {
    node->items.push_back(expression(0));
    if (!at(";")) break;
    advance(";", false);
  }
  advance(")", true);
  return node;
}

NodePtr Parser::parse_array(const Token& token) {
  NodePtr node = make(NodeType::ArrayConstructor, token);
  if (!at("]")) {
    for (;;) {
      NodePtr item = expression(0);
      if (at("..")) {
        NodePtr range = make(NodeType::Binary, current_);
        range->value = "..";
        advance("..", false);
        range->lhs = std::move(item);
        range->rhs = expression(0);
        item = std::move(range);
      }
      node->items.push_back(std::move(item));
      if (!at(",")) break;
      advance(",", false);
    }
  }
  advance("]", true);
  return node;
}

NodePtr Parser::parse_object_pairs(NodePtr node) {
  if (!at("}")) {
    for (;;) {
      NodePtr key = expression(0);
      advance(":", false);
      NodePtr value = expression(0);
      node->pairs.emplace_back(std::move(key), std::move(value));
      if (!at(",")) break;
      advance(",", false);
    }
  }
  advance("}", true);
  return node;
}

NodePtr Parser::parse_transform(const Token& token) {
  NodePtr node = make(NodeType::Transform, token);
  node->lhs = expression(0);
  advance("|", false);
  node->rhs = expression(0);
  if (at(",")) {
    advance(",", false);
    node->third = expression(0);
  }
  advance("|", false);
  return node;
}

NodePtr Parser::parse_call(const Token& token, NodePtr procedure) {
  NodePtr node = make(NodeType::Function, token);
  node->lhs = std::move(procedure);
  if (!at(")")) {
    for (;;) {
      if (at("?")) {
        node->type = NodeType::Partial;
        node->items.push_back(make(NodeType::Placeholder, current_));
        advance("?", false);
      } else {
        node->items.push_back(expression(0));
      }
      if (!at(",")) break;
      advance(",", false);
    }
  }
  advance(")", true);
  const Node& callee = *node->lhs;
  if (callee.type == NodeType::Name && (callee.value == "function" || callee.value == "\u03BB")) {
    parse_lambda(node);
  }
  return node;
}

void Parser::parse_lambda(NodePtr& call) {
  for (std::size_t i = 0; i < call->items.size(); ++i) {
    const Node& arg = *call->items[i];
    if (arg.type != NodeType::Variable) {
      throw_error("S0208", arg.position,
                  {.token = arg.literal.is_null() ? nlohmann::json(arg.value) : arg.literal,
                   .value = i + 1});
    }
    call->params.push_back(arg.value);
  }
  call->items.clear();
  call->type = NodeType::Lambda;
  if (at("<")) {
    std::size_t signature_position = current_.position;
    int depth = 1;
    std::string text = "<";
    while (depth > 0 && !at("{") && current_.type != TokenType::End) {
      advance("", false);
      if (at(">")) {
        --depth;
      } else if (at("<")) {
        ++depth;
      }
      text +=
          current_.type == TokenType::Number ? fmt::format("{}", current_.number) : current_.text;
    }
    advance(">", false);
    call->signature = std::make_shared<Signature>(parse_signature(text, signature_position));
  }
  advance("{", false);
  call->rhs = expression(0);
  advance("}", false);
}

NodePtr Parser::parse_filter(const Token& token, NodePtr left) {
  if (at("]")) {
    // `a[]`: keep singleton results as arrays; flags the innermost step.
    Node* step = left.get();
    while (step->type == NodeType::Binary && step->value == "[") step = step->lhs.get();
    step->keep_array = true;
    advance("]", true);
    return left;
  }
  NodePtr node = make(NodeType::Binary, token);
  node->lhs = std::move(left);
  node->rhs = expression(0);
  advance("]", true);
  return node;
}

NodePtr Parser::parse_sort(const Token& token, NodePtr left) {
  NodePtr node = make(NodeType::Binary, token);
  node->lhs = std::move(left);
  advance("(", false);
  for (;;) {
    SortTerm term;
    if (at("<")) {
      advance("<", false);
    } else if (at(">")) {
      term.descending = true;
      advance(">", false);
    }
    term.expression = expression(0);
    node->terms.push_back(std::move(term));
    if (!at(",")) break;
    advance(",", false);
  }
  advance(")", false);
  return node;
}

NodePtr Parser::parse_variable_binding(const Token& token, NodePtr left, std::string_view code) {
  NodePtr node = make(NodeType::Binary, token);
  node->lhs = std::move(left);
  node->rhs = expression(binding_power(token.text));
  if (node->rhs->type != NodeType::Variable) {
    throw_error(code, node->rhs->position, {.token = token.text});
  }
  return node;
}

}  // namespace

NodePtr parse_expression(std::string_view text) {
  Parser parser(text);
  NodePtr root = process_tree(parser.parse());
  if (root->type == NodeType::Parent || !root->seeking_parent.empty()) {
    throw_error("S0217", root->position, {.token = "parent"});
  }
  return root;
}

}  // namespace flowrun::jsonata
