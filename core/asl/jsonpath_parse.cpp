#include <fmt/format.h>

#include <unordered_map>

#include "core/asl/jsonpath.hpp"
#include "core/asl/jsonpath_cursor.hpp"
#include "core/asl/jsonpath_filter.hpp"

namespace flowrun::asl {
namespace {

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

class PathParser : public PathCursor {
 public:
  explicit PathParser(std::string_view text) : PathCursor(text) {}

  JsonPath parse_path() {
    JsonPath path;
    path.text_ = std::string(text_);
    if (!eat('$')) fail("a path must start with '$'");
    path.context_ = eat('$');
    if (!path.context_) path.variable_ = parse_variable_name();
    path.segments_ = parse_segments(false);
    if (pos_ != text_.size()) fail(fmt::format("unexpected '{}'", text_[pos_]));
    for (const PathSegment& segment : path.segments_) {
      if (!is_definite_segment(segment)) path.definite_ = false;
    }
    return path;
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

  // `$name`: a variable (a Unicode identifier; bytes of multi-byte UTF-8 characters count as
  // letters), or "" when the path reads the input.
  std::string parse_variable_name() {
    auto is_start = [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
             static_cast<unsigned char>(c) >= 0x80;
    };
    if (at_end() || !is_start(peek())) return "";
    std::size_t start = pos_;
    while (!at_end() && (is_start(peek()) || (peek() >= '0' && peek() <= '9'))) ++pos_;
    return std::string(text_.substr(start, pos_ - start));
  }

  PathSegment parse_dot_member() {
    PathSegment segment;
    if (eat('*')) {
      segment.kind = PathSegment::Kind::Wildcard;
      return segment;
    }
    // The specification's Reference Path examples escape any character with a backslash
    // (`$.store\.book`, `$.foo\@bar.baz\[\[.\?pretty`, `$.\stor\e`) and use `&` in names
    // (`$.&Ж中`); `&&` and `||` still end a name inside a filter.
    std::size_t start = pos_;
    std::string name;
    while (!at_end()) {
      char c = peek();
      if (c == '\\' && pos_ + 1 < text_.size()) {
        name.push_back(text_[pos_ + 1]);
        pos_ += 2;
        continue;
      }
      bool doubled = pos_ + 1 < text_.size() && text_[pos_ + 1] == c;
      if (!is_name_char(c) && !((c == '&' || c == '|') && !doubled)) break;
      name.push_back(c);
      ++pos_;
    }
    if (pos_ == start) fail(at_end() ? "the path ends after '.'" : "expected a name after '.'");
    if (peek() == '(') fail("functions such as length() are not supported");
    segment.name = std::move(name);
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
      segment.filter = parse_filter_expression(*this, [this] { return parse_segments(true); });
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
