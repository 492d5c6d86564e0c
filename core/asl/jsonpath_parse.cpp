#include <fmt/format.h>

#include <charconv>
#include <unordered_map>

#include "core/asl/jsonpath.hpp"
#include "core/asl/jsonpath_filter.hpp"

namespace flowrun::asl {
namespace {

// Nested filters and parentheses beyond this depth are refused rather than recursed into.
constexpr int kMaxFilterDepth = 64;

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Dot-notation names follow Jayway, which AWS runs: anything up to the next `.`, `[` or
// blank (so `$.detail.bucket-name` works), except characters that only make sense in
// brackets or filters.
bool is_name_char(char c) {
  switch (c) {
    case '.':
    case '[':
    case ']':
    case '(':
    case ')':
    case '\'':
    case '"':
    case ',':
    case '*':
    case '?':
    case '@':
    case '=':
    case '!':
    case '<':
    case '>':
    case '&':
    case '|':
      return false;
    default:
      return !is_space(c);
  }
}

}  // namespace

class PathParser {
 public:
  explicit PathParser(std::string_view text) : text_(text) {}

  JsonPath parse_path() {
    JsonPath path;
    path.text_ = std::string(text_);
    if (!eat('$')) fail("a path must start with '$'");
    path.context_ = eat('$');
    path.segments_ = parse_segments(false);
    if (pos_ != text_.size()) fail(fmt::format("unexpected '{}'", text_[pos_]));
    for (const PathSegment& segment : path.segments_) {
      if (!is_definite(segment)) path.definite_ = false;
    }
    return path;
  }

 private:
  static bool is_definite(const PathSegment& segment) {
    return !segment.descendant &&
           (segment.kind == PathSegment::Kind::Name || segment.kind == PathSegment::Kind::Index);
  }

  [[noreturn]] void fail(const std::string& message) const { throw PathSyntaxError(message, pos_); }

  bool at_end() const { return pos_ >= text_.size(); }
  char peek(std::size_t ahead = 0) const {
    return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0';
  }
  bool eat(char c) {
    if (peek() != c || at_end()) return false;
    ++pos_;
    return true;
  }
  void expect(char c) {
    if (!eat(c)) {
      if (at_end()) fail(fmt::format("expected '{}' but the path ends", c));
      fail(fmt::format("expected '{}' but found '{}'", c, peek()));
    }
  }
  void skip_spaces() {
    while (!at_end() && is_space(peek())) ++pos_;
  }

  // Segments until the end of the text, or (inside a filter) until a character that cannot
  // continue a path.
  std::vector<PathSegment> parse_segments(bool in_filter) {
    std::vector<PathSegment> segments;
    while (!at_end()) {
      char c = peek();
      if (c == '.') {
        ++pos_;
        bool descendant = eat('.');
        if (peek() == '[') {
          // `$.abc.['def ghi']`: the developer guide writes brackets after a dot.
          segments.push_back(parse_bracket());
        } else {
          segments.push_back(parse_dot_member());
        }
        segments.back().descendant = descendant;
      } else if (c == '[') {
        segments.push_back(parse_bracket());
      } else if (in_filter) {
        break;
      } else {
        fail(fmt::format("unexpected '{}'", c));
      }
    }
    return segments;
  }

  PathSegment parse_dot_member() {
    PathSegment segment;
    if (eat('*')) {
      segment.kind = PathSegment::Kind::Wildcard;
      return segment;
    }
    std::size_t start = pos_;
    while (!at_end() && is_name_char(peek())) ++pos_;
    if (pos_ == start) fail(at_end() ? "the path ends after '.'" : "expected a name after '.'");
    if (peek() == '(') fail("functions such as length() are not supported");
    segment.name = std::string(text_.substr(start, pos_ - start));
    return segment;
  }

  PathSegment parse_bracket() {
    expect('[');
    skip_spaces();
    PathSegment segment;
    if (eat('*')) {
      segment.kind = PathSegment::Kind::Wildcard;
    } else if (peek() == '?') {
      ++pos_;
      segment.kind = PathSegment::Kind::Filter;
      skip_spaces();
      expect('(');
      segment.filter = parse_or(0);
      skip_spaces();
      expect(')');
    } else if (peek() == '\'' || peek() == '"') {
      parse_name_list(segment);
    } else {
      parse_index_or_slice(segment);
    }
    skip_spaces();
    expect(']');
    return segment;
  }

  void parse_name_list(PathSegment& segment) {
    segment.names.push_back(parse_quoted());
    skip_spaces();
    while (eat(',')) {
      skip_spaces();
      if (peek() != '\'' && peek() != '"') fail("expected a quoted name after ','");
      segment.names.push_back(parse_quoted());
      skip_spaces();
    }
    if (segment.names.size() == 1) {
      segment.kind = PathSegment::Kind::Name;
      segment.name = std::move(segment.names.front());
      segment.names.clear();
    } else {
      segment.kind = PathSegment::Kind::Union;
    }
  }

  void parse_index_or_slice(PathSegment& segment) {
    std::optional<std::int64_t> first = parse_optional_int();
    skip_spaces();
    if (peek() == ':') {
      segment.kind = PathSegment::Kind::Slice;
      segment.slice[0] = first;
      for (int part = 1; part < 3 && eat(':'); ++part) {
        skip_spaces();
        segment.slice[part] = parse_optional_int();
        skip_spaces();
      }
      if (segment.slice[2] && *segment.slice[2] == 0) fail("a slice step cannot be 0");
      return;
    }
    if (!first) fail(at_end() ? "the path ends inside '['" : "expected an index, a name or '*'");
    segment.kind = PathSegment::Kind::Index;
    segment.index = *first;
    while (eat(',')) {
      skip_spaces();
      std::optional<std::int64_t> next = parse_optional_int();
      if (!next) fail("expected an index after ','");
      segment.indices.push_back(*next);
      skip_spaces();
    }
    if (!segment.indices.empty()) {
      segment.kind = PathSegment::Kind::Union;
      segment.indices.insert(segment.indices.begin(), first.value());
    }
  }

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

  // ---- filters -----------------------------------------------------------------------------

  using Expr = std::shared_ptr<const FilterExpr>;

  void enter(int depth) const {
    if (depth > kMaxFilterDepth) fail("the filter is nested too deeply");
  }

  Expr combine(FilterExpr::Kind kind, Expr left, Expr right) {
    auto node = std::make_shared<FilterExpr>();
    node->kind = kind;
    node->children = {std::move(left), std::move(right)};
    return node;
  }

  Expr parse_or(int depth) {
    enter(depth);
    Expr left = parse_and(depth);
    skip_spaces();
    while (peek() == '|' && peek(1) == '|') {
      pos_ += 2;
      left = combine(FilterExpr::Kind::Or, left, parse_and(depth));
      skip_spaces();
    }
    return left;
  }

  Expr parse_and(int depth) {
    Expr left = parse_unary(depth);
    skip_spaces();
    while (peek() == '&' && peek(1) == '&') {
      pos_ += 2;
      left = combine(FilterExpr::Kind::And, left, parse_unary(depth));
      skip_spaces();
    }
    return left;
  }

  Expr parse_unary(int depth) {
    skip_spaces();
    if (peek() == '!' && peek(1) != '=') {
      ++pos_;
      auto node = std::make_shared<FilterExpr>();
      node->kind = FilterExpr::Kind::Not;
      enter(depth + 1);
      node->children = {parse_unary(depth + 1)};
      return node;
    }
    if (eat('(')) {
      Expr inner = parse_or(depth + 1);
      skip_spaces();
      expect(')');
      return inner;
    }
    return parse_comparison();
  }

  Expr parse_comparison() {
    auto node = std::make_shared<FilterExpr>();
    node->lhs = parse_operand();
    skip_spaces();
    std::optional<FilterExpr::Op> op = parse_operator();
    if (!op) {
      if (node->lhs.kind == FilterOperand::Kind::Literal) fail("expected a comparison");
      node->kind = FilterExpr::Kind::Exists;
      return node;
    }
    node->kind = FilterExpr::Kind::Compare;
    node->op = *op;
    skip_spaces();
    node->rhs = parse_operand();
    return node;
  }

  std::optional<FilterExpr::Op> parse_operator() {
    using Op = FilterExpr::Op;
    static const std::pair<std::string_view, Op> ops[] = {
        {"===", Op::Eq}, {"!==", Op::Ne}, {"==", Op::Eq}, {"!=", Op::Ne},
        {"<=", Op::Le},  {">=", Op::Ge},  {"<", Op::Lt},  {">", Op::Gt}};
    for (const auto& [text, op] : ops) {
      if (text_.substr(pos_, text.size()) == text) {
        pos_ += text.size();
        return op;
      }
    }
    if (peek() == '=' && peek(1) == '~') fail("regular expressions are not supported in filters");
    return std::nullopt;
  }

  FilterOperand parse_operand() {
    FilterOperand operand;
    char c = peek();
    if (c == '@' || c == '$') {
      ++pos_;
      operand.kind = c == '@' ? FilterOperand::Kind::Current : FilterOperand::Kind::Root;
      operand.path = parse_segments(true);
      for (const PathSegment& segment : operand.path) {
        if (!is_definite(segment)) operand.definite = false;
      }
      if (peek() == '(') fail("functions such as length() are not supported");
      return operand;
    }
    if (c == '\'' || c == '"') {
      operand.literal = parse_quoted();
      return operand;
    }
    operand.literal = parse_literal_word();
    return operand;
  }

  nlohmann::json parse_literal_word() {
    std::size_t start = pos_;
    while (!at_end() && (std::isalnum(static_cast<unsigned char>(peek())) || peek() == '-' ||
                         peek() == '+' || peek() == '.')) {
      ++pos_;
    }
    std::string_view word = text_.substr(start, pos_ - start);
    if (word == "true") return true;
    if (word == "false") return false;
    if (word == "null") return nullptr;
    if (!word.empty()) {
      nlohmann::json number = nlohmann::json::parse(word, nullptr, false);
      if (number.is_number()) return number;
    }
    pos_ = start;
    if (at_end()) fail("the path ends inside a filter");
    fail(fmt::format("unexpected '{}' in a filter", peek()));
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

JsonPath JsonPath::parse(std::string_view text) { return PathParser(text).parse_path(); }

std::shared_ptr<const JsonPath> compile_path(std::string_view text) {
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  // Per thread, so no lock; bounded so generated paths cannot grow it without limit.
  thread_local std::unordered_map<std::string, std::shared_ptr<const JsonPath>, Hash,
                                  std::equal_to<>>
      cache;
  if (auto it = cache.find(text); it != cache.end()) return it->second;
  auto path = std::make_shared<const JsonPath>(JsonPath::parse(text));
  if (cache.size() >= 4096) cache.clear();
  cache.emplace(std::string(text), path);
  return path;
}

std::optional<std::string> check_path_syntax(std::string_view text, bool reference,
                                             std::size_t& offset) {
  try {
    JsonPath path = JsonPath::parse(text);
    if (reference && !path.is_reference()) {
      offset = 0;
      return "a Reference Path must select a single node: '..', '*', filters, slices and unions "
             "are not allowed";
    }
    return std::nullopt;
  } catch (const PathSyntaxError& error) {
    offset = error.offset();
    return error.what();
  }
}

}  // namespace flowrun::asl
