#include <cctype>

#include "core/asl/jsonpath_cursor.hpp"
#include "core/asl/jsonpath_filter.hpp"

namespace flowrun::asl {
namespace {

// Nested filters and parentheses beyond this depth are refused rather than recursed into.
constexpr int kMaxFilterDepth = 64;

using Expr = std::shared_ptr<const FilterExpr>;
using Op = FilterExpr::Op;

class FilterParser {
 public:
  FilterParser(PathCursor& in, const std::function<std::vector<PathSegment>()>& parse_path)
      : in_(in), parse_path_(parse_path) {}

  Expr parse_or(int depth) {
    enter(depth);
    Expr left = parse_and(depth);
    in_.skip_spaces();
    while (in_.peek() == '|' && in_.peek(1) == '|') {
      in_.pos_ += 2;
      left = combine(FilterExpr::Kind::Or, left, parse_and(depth));
      in_.skip_spaces();
    }
    return left;
  }

 private:
  void enter(int depth) const {
    if (depth > kMaxFilterDepth) in_.fail("the filter is nested too deeply");
  }

  static Expr combine(FilterExpr::Kind kind, Expr left, Expr right) {
    auto node = std::make_shared<FilterExpr>();
    node->kind = kind;
    node->children = {std::move(left), std::move(right)};
    return node;
  }

  Expr parse_and(int depth) {
    Expr left = parse_unary(depth);
    in_.skip_spaces();
    while (in_.peek() == '&' && in_.peek(1) == '&') {
      in_.pos_ += 2;
      left = combine(FilterExpr::Kind::And, left, parse_unary(depth));
      in_.skip_spaces();
    }
    return left;
  }

  Expr parse_unary(int depth) {
    in_.skip_spaces();
    if (in_.peek() == '!' && in_.peek(1) != '=') {
      ++in_.pos_;
      auto node = std::make_shared<FilterExpr>();
      node->kind = FilterExpr::Kind::Not;
      enter(depth + 1);
      node->children = {parse_unary(depth + 1)};
      return node;
    }
    if (in_.eat('(')) {
      Expr inner = parse_or(depth + 1);
      in_.skip_spaces();
      in_.expect(')');
      return inner;
    }
    return parse_comparison();
  }

  Expr parse_comparison() {
    auto node = std::make_shared<FilterExpr>();
    node->lhs = parse_operand();
    in_.skip_spaces();
    std::optional<Op> op = parse_operator();
    if (!op) {
      if (node->lhs.kind == FilterOperand::Kind::Literal) in_.fail("expected a comparison");
      node->kind = FilterExpr::Kind::Exists;
      return node;
    }
    node->kind = FilterExpr::Kind::Compare;
    node->op = *op;
    in_.skip_spaces();
    node->rhs = parse_operand();
    return node;
  }

  std::optional<Op> parse_operator() {
    static const std::pair<std::string_view, Op> symbols[] = {
        {"===", Op::Eq}, {"!==", Op::Ne}, {"==", Op::Eq}, {"!=", Op::Ne},
        {"<=", Op::Le},  {">=", Op::Ge},  {"<", Op::Lt},  {">", Op::Gt}};
    for (const auto& [text, op] : symbols) {
      if (in_.eat_word(text)) return op;
    }
    if (in_.peek() == '=' && in_.peek(1) == '~') {
      in_.fail("regular expressions (=~) are not supported in filters");
    }
    static const std::pair<std::string_view, Op> words[] = {{"subsetof", Op::SubsetOf},
                                                            {"anyof", Op::AnyOf},
                                                            {"noneof", Op::NoneOf},
                                                            {"size", Op::Size},
                                                            {"empty", Op::Empty},
                                                            {"nin", Op::Nin},
                                                            {"in", Op::In}};
    for (const auto& [text, op] : words) {
      std::size_t end = in_.pos_ + text.size();
      bool whole_word =
          end >= in_.text_.size() || !std::isalnum(static_cast<unsigned char>(in_.text_[end]));
      if (whole_word && in_.eat_word(text)) return op;
    }
    return std::nullopt;
  }

  FilterOperand parse_operand() {
    FilterOperand operand;
    char c = in_.peek();
    if (c == '@' || c == '$') {
      ++in_.pos_;
      operand.kind = c == '@' ? FilterOperand::Kind::Current : FilterOperand::Kind::Root;
      operand.path = parse_path_();
      for (const PathSegment& segment : operand.path) {
        if (!is_definite_segment(segment)) operand.definite = false;
      }
      if (in_.peek() == '(') in_.fail("functions such as length() are not supported");
      return operand;
    }
    operand.literal = parse_literal();
    return operand;
  }

  nlohmann::json parse_literal() {
    char c = in_.peek();
    if (c == '\'' || c == '"') return in_.parse_quoted();
    if (c == '[') return parse_array_literal();
    return parse_literal_word();
  }

  // `['a', 'b']` or `[1, 2]`: the right side of `in`, `subsetof` ...
  nlohmann::json parse_array_literal() {
    in_.expect('[');
    nlohmann::json out = nlohmann::json::array();
    in_.skip_spaces();
    if (in_.eat(']')) return out;
    while (true) {
      in_.skip_spaces();
      out.push_back(parse_literal());
      in_.skip_spaces();
      if (in_.eat(']')) return out;
      in_.expect(',');
    }
  }

  nlohmann::json parse_literal_word() {
    std::size_t start = in_.pos_;
    while (!in_.at_end() && (std::isalnum(static_cast<unsigned char>(in_.peek())) ||
                             in_.peek() == '-' || in_.peek() == '+' || in_.peek() == '.')) {
      ++in_.pos_;
    }
    std::string_view word = in_.text_.substr(start, in_.pos_ - start);
    if (word == "true") return true;
    if (word == "false") return false;
    if (word == "null") return nullptr;
    if (!word.empty()) {
      nlohmann::json number = nlohmann::json::parse(word, nullptr, false);
      if (number.is_number()) return number;
    }
    in_.pos_ = start;
    if (in_.at_end()) in_.fail("the path ends inside a filter");
    in_.fail(fmt::format("unexpected '{}' in a filter", in_.peek()));
  }

  PathCursor& in_;
  const std::function<std::vector<PathSegment>()>& parse_path_;
};

}  // namespace

std::shared_ptr<const FilterExpr> parse_filter_expression(
    PathCursor& cursor, const std::function<std::vector<PathSegment>()>& parse_path) {
  return FilterParser(cursor, parse_path).parse_or(0);
}

}  // namespace flowrun::asl
