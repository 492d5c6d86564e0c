#include <fmt/format.h>

#include <cstdint>
#include <unordered_map>

#include "core/asl/intrinsics.hpp"

namespace flowrun::asl {
namespace {

using nlohmann::json;

// The developer guide allows up to 10 nested intrinsic functions in one field.
constexpr int kMaxNesting = 10;
constexpr std::string_view kPrefix = "States.";

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool is_ident_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

class IntrinsicParser {
 public:
  explicit IntrinsicParser(std::string_view text) : text_(text) {}

  std::shared_ptr<const IntrinsicCall> parse() {
    skip_spaces();
    auto call = parse_call(1);
    skip_spaces();
    if (pos_ != text_.size()) fail(fmt::format("unexpected '{}' after the call", text_[pos_]));
    return call;
  }

 private:
  [[noreturn]] void fail(const std::string& message) const {
    throw IntrinsicSyntaxError(message, pos_);
  }
  char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  bool at_end() const { return pos_ >= text_.size(); }
  void skip_spaces() {
    while (!at_end() && is_space(peek())) ++pos_;
  }

  std::shared_ptr<const IntrinsicCall> parse_call(int depth) {
    if (depth > kMaxNesting) {
      fail(fmt::format("more than {} nested intrinsic functions", kMaxNesting));
    }
    auto call = std::make_shared<IntrinsicCall>();
    call->offset = pos_;
    if (text_.substr(pos_, kPrefix.size()) != kPrefix) fail("expected 'States.'");
    pos_ += kPrefix.size();
    std::size_t start = pos_;
    while (!at_end() && is_ident_char(peek())) ++pos_;
    call->name = std::string(text_.substr(start, pos_ - start));
    if (call->name.empty()) fail("expected a function name after 'States.'");
    auto arity = intrinsic_arity(call->name);
    if (!arity) {
      pos_ = call->offset;
      fail(fmt::format("unknown intrinsic function 'States.{}'", call->name));
    }
    skip_spaces();
    if (peek() != '(') fail(fmt::format("expected '(' after 'States.{}'", call->name));
    ++pos_;
    skip_spaces();
    if (peek() != ')') {
      while (true) {
        call->args.push_back(parse_arg(depth));
        skip_spaces();
        if (peek() == ',') {
          ++pos_;
          continue;
        }
        if (peek() == ')') break;
        fail(at_end() ? "the call is not closed with ')'" : "expected ',' or ')'");
      }
    }
    ++pos_;
    check_arity(*call, *arity);
    return call;
  }

  void check_arity(const IntrinsicCall& call, std::pair<std::size_t, std::size_t> arity) {
    std::size_t count = call.args.size();
    if (count >= arity.first && count <= arity.second) return;
    pos_ = call.offset;
    std::string expected = arity.first == arity.second ? fmt::format("{}", arity.first)
                           : arity.second == SIZE_MAX
                               ? fmt::format("at least {}", arity.first)
                               : fmt::format("{} to {}", arity.first, arity.second);
    fail(fmt::format("States.{} takes {} argument{}, not {}", call.name, expected,
                     arity.second == 1 && arity.first == 1 ? "" : "s", count));
  }

  IntrinsicArg parse_arg(int depth) {
    skip_spaces();
    IntrinsicArg arg;
    arg.offset = pos_;
    char c = peek();
    if (c == '\'') {
      parse_string(arg);
    } else if (c == '$') {
      arg.kind = IntrinsicArg::Kind::Path;
      parse_path(arg);
    } else if (text_.substr(pos_, kPrefix.size()) == kPrefix) {
      arg.kind = IntrinsicArg::Kind::Call;
      arg.call = parse_call(depth + 1);
    } else {
      arg.literal = parse_word();
    }
    return arg;
  }

  // A string literal: `\` escapes the next character. The specification names `'`, `{`, `}`
  // and `\`; a backslash before anything else is an open escape, an error at run time.
  void parse_string(IntrinsicArg& arg) {
    ++pos_;
    std::size_t start = pos_;
    std::string value;
    while (true) {
      if (at_end()) {
        pos_ = arg.offset;
        fail("unterminated string literal");
      }
      char c = text_[pos_++];
      if (c == '\'') break;
      if (c == '\\') {
        if (at_end()) continue;  // reported as unterminated on the next turn
        c = text_[pos_++];
        if (c != '\'' && c != '{' && c != '}' && c != '\\') arg.has_open_escape = true;
      }
      value.push_back(c);
    }
    arg.raw = std::string(text_.substr(start, pos_ - 1 - start));
    arg.literal = std::move(value);
    arg.is_string = true;
  }

  // A path runs to the next `,` or `)` outside brackets, parentheses and quotes, so filters
  // and unions inside it do not end the argument.
  void parse_path(IntrinsicArg& arg) {
    std::size_t start = pos_;
    int depth = 0;
    char quote = 0;
    while (!at_end()) {
      char c = peek();
      if (quote) {
        if (c == '\\')
          ++pos_;
        else if (c == quote)
          quote = 0;
      } else if (c == '\'' || c == '"') {
        quote = c;
      } else if (c == '[' || c == '(') {
        ++depth;
      } else if (c == ']' || c == ')') {
        if (depth == 0) break;
        --depth;
      } else if (c == ',' && depth == 0) {
        break;
      }
      ++pos_;
    }
    std::string_view text = text_.substr(start, pos_ - start);
    while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
    try {
      arg.path = compile_path(text);
    } catch (const PathSyntaxError& error) {
      pos_ = start + error.offset();
      fail(fmt::format("invalid path '{}': {}", text, error.what()));
    }
  }

  json parse_word() {
    std::size_t start = pos_;
    while (!at_end() && !is_space(peek()) && peek() != ',' && peek() != ')') ++pos_;
    std::string_view word = text_.substr(start, pos_ - start);
    if (word == "true") return true;
    if (word == "false") return false;
    if (word == "null") return nullptr;
    if (!word.empty() && (word[0] == '-' || (word[0] >= '0' && word[0] <= '9'))) {
      json number = json::parse(word, nullptr, false);
      if (number.is_number()) return number;
    }
    pos_ = start;
    if (word.empty())
      fail(at_end() ? "the call ends where an argument belongs" : "expected an argument");
    fail(fmt::format("'{}' is not a valid argument (quote strings with ')", word));
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

json evaluate_arg(const IntrinsicArg& arg, const json& input, const ContextObject& context) {
  switch (arg.kind) {
    case IntrinsicArg::Kind::Literal:
      if (arg.has_open_escape) {
        throw AslError(
            "States.IntrinsicFailure",
            fmt::format("the string '{}' has a backslash that escapes none of ' {{ }} \\",
                        arg.raw));
      }
      return arg.literal;
    case IntrinsicArg::Kind::Call:
      return evaluate_intrinsic(*arg.call, input, context);
    case IntrinsicArg::Kind::Path:
      break;
  }
  const JsonPath& path = *arg.path;
  const json* root = path.root(input, context);
  if (path.is_definite() || !root) {
    const json* node = root ? path.find(*root) : nullptr;
    if (!node) {
      throw AslError("States.IntrinsicFailure",
                     fmt::format("the path '{}' does not match anything in the {}", path.text(),
                                 path.root_name()));
    }
    return *node;
  }
  std::vector<const json*> nodes;
  path.select(*root, nodes);
  json out = json::array();
  for (const json* node : nodes) out.push_back(*node);
  return out;
}

}  // namespace

json evaluate_intrinsic(const IntrinsicCall& call, const json& input,
                        const ContextObject& context) {
  std::vector<json> args;
  args.reserve(call.args.size());
  for (const IntrinsicArg& arg : call.args) args.push_back(evaluate_arg(arg, input, context));
  return call_intrinsic(call, args);
}

bool reads_context(const IntrinsicCall& call) {
  for (const IntrinsicArg& arg : call.args) {
    if (arg.kind == IntrinsicArg::Kind::Path && arg.path->is_context()) return true;
    if (arg.kind == IntrinsicArg::Kind::Call && reads_context(*arg.call)) return true;
  }
  return false;
}

bool is_intrinsic_call(std::string_view text) {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  if (text.substr(0, kPrefix.size()) != kPrefix) return false;
  text.remove_prefix(kPrefix.size());
  std::size_t i = 0;
  while (i < text.size() && is_ident_char(text[i])) ++i;
  while (i < text.size() && is_space(text[i])) ++i;
  return i > 0 && i < text.size() && text[i] == '(';
}

std::shared_ptr<const IntrinsicCall> compile_intrinsic(std::string_view text) {
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  thread_local std::unordered_map<std::string, std::shared_ptr<const IntrinsicCall>, Hash,
                                  std::equal_to<>>
      cache;
  if (auto it = cache.find(text); it != cache.end()) return it->second;
  auto call = IntrinsicParser(text).parse();
  if (cache.size() >= 4096) cache.clear();
  cache.emplace(std::string(text), call);
  return call;
}

json evaluate_intrinsic(std::string_view text, const json& input, const ContextObject& context) {
  std::shared_ptr<const IntrinsicCall> call;
  try {
    call = compile_intrinsic(text);
  } catch (const IntrinsicSyntaxError& error) {
    throw AslError("States.IntrinsicFailure",
                   fmt::format("invalid intrinsic function '{}': {} (at offset {})", text,
                               error.what(), error.offset()));
  }
  return evaluate_intrinsic(*call, input, context);
}

std::optional<std::string> check_intrinsic_syntax(std::string_view text, std::size_t& offset) {
  try {
    compile_intrinsic(text);
    return std::nullopt;
  } catch (const IntrinsicSyntaxError& error) {
    offset = error.offset();
    return error.what();
  }
}

}  // namespace flowrun::asl
