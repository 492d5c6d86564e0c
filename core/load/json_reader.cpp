#include "core/load/json_reader.hpp"

#include "core/load/tree_builder.hpp"
#include "core/util/text.hpp"

namespace flowrun {
namespace {

struct NotJson {};  // any syntax error: the caller reports it with nlohmann's message

// A strict JSON scanner (RFC 8259) that sends YAML parser events to a TreeBuilder. Columns
// count bytes, as yaml-cpp's marks do, so positions are the ones read_yaml gives.
class JsonEvents {
 public:
  JsonEvents(const std::string& text, TreeBuilder& builder, std::size_t max_depth)
      : text_(text), builder_(builder), max_depth_(max_depth) {}

  void read_document() {
    // A UTF-8 byte order mark is skipped and, as yaml-cpp does, not counted as a column.
    if (text_.compare(0, 3, "\xEF\xBB\xBF") == 0) at_ = 3;
    skip_space();
    read_value(0);
    skip_space();
    if (at_ != text_.size()) throw NotJson{};
  }

 private:
  YAML::Mark mark() const {
    YAML::Mark m;
    m.pos = static_cast<int>(at_);
    m.line = line_;
    m.column = column_;
    return m;
  }

  char peek() const { return at_ < text_.size() ? text_[at_] : '\0'; }

  void advance(std::size_t bytes = 1) {
    at_ += bytes;
    column_ += static_cast<int>(bytes);
  }

  void expect(char c) {
    if (peek() != c) throw NotJson{};
    advance();
  }

  void skip_space() {
    while (at_ < text_.size()) {
      char c = text_[at_];
      if (c == '\n') {
        ++at_;
        ++line_;
        column_ = 0;
      } else if (c == ' ' || c == '\t' || c == '\r') {
        advance();
      } else {
        break;
      }
    }
  }

  void read_value(std::size_t depth) {
    const YAML::Mark at = mark();
    switch (peek()) {
      case '{':
        return read_object(at, depth);
      case '[':
        return read_array(at, depth);
      case '"':
        builder_.OnScalar(at, "!", 0, read_string());
        return;
      case 't':
        return read_word("true", at);
      case 'f':
        return read_word("false", at);
      case 'n':
        if (text_.compare(at_, 4, "null") != 0) throw NotJson{};
        advance(4);
        builder_.OnNull(at, 0);
        return;
      default:
        builder_.OnScalar(at, "?", 0, read_number());
    }
  }

  void read_word(const char* word, const YAML::Mark& at) {
    std::string_view expected(word);
    if (text_.compare(at_, expected.size(), expected) != 0) throw NotJson{};
    advance(expected.size());
    builder_.OnScalar(at, "?", 0, std::string(expected));
  }

  // More nested collections than the limit: nlohmann's check reports it ("too-deep").
  void check_depth(std::size_t depth) const {
    if (depth >= max_depth_) throw NotJson{};
  }

  void read_object(const YAML::Mark& at, std::size_t depth) {
    check_depth(depth);
    builder_.OnMapStart(at, "", 0, YAML::EmitterStyle::Flow);
    advance();
    skip_space();
    if (peek() == '}') {
      advance();
      builder_.OnMapEnd();
      return;
    }
    for (;;) {
      skip_space();
      if (peek() != '"') throw NotJson{};
      const YAML::Mark key_at = mark();
      builder_.OnScalar(key_at, "!", 0, read_string());
      skip_space();
      expect(':');
      skip_space();
      read_value(depth + 1);
      skip_space();
      if (peek() == ',') {
        advance();
        continue;
      }
      expect('}');
      builder_.OnMapEnd();
      return;
    }
  }

  void read_array(const YAML::Mark& at, std::size_t depth) {
    check_depth(depth);
    builder_.OnSequenceStart(at, "", 0, YAML::EmitterStyle::Flow);
    advance();
    skip_space();
    if (peek() == ']') {
      advance();
      builder_.OnSequenceEnd();
      return;
    }
    for (;;) {
      skip_space();
      read_value(depth + 1);
      skip_space();
      if (peek() == ',') {
        advance();
        continue;
      }
      expect(']');
      builder_.OnSequenceEnd();
      return;
    }
  }

  std::string read_number() {
    const std::size_t start = at_;
    auto digits = [&] {
      std::size_t first = at_;
      while (peek() >= '0' && peek() <= '9') advance();
      if (at_ == first) throw NotJson{};
    };
    if (peek() == '-') advance();
    if (peek() == '0') {
      advance();
    } else {
      digits();
    }
    if (peek() == '.') {
      advance();
      digits();
    }
    if (peek() == 'e' || peek() == 'E') {
      advance();
      if (peek() == '+' || peek() == '-') advance();
      digits();
    }
    return text_.substr(start, at_ - start);
  }

  unsigned read_hex4() {
    if (at_ + 4 > text_.size()) throw NotJson{};
    unsigned value = 0;
    for (int i = 0; i < 4; ++i) {
      char c = text_[at_ + static_cast<std::size_t>(i)];
      value <<= 4;
      if (c >= '0' && c <= '9') {
        value |= static_cast<unsigned>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        value |= static_cast<unsigned>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        value |= static_cast<unsigned>(c - 'A' + 10);
      } else {
        throw NotJson{};
      }
    }
    advance(4);
    return value;
  }

  // \uD83D\uDE00 is one character; a lone surrogate is an error, as nlohmann says.
  unsigned read_unicode_escape() {
    unsigned code = read_hex4();
    if (code >= 0xDC00 && code <= 0xDFFF) throw NotJson{};
    if (code < 0xD800 || code > 0xDBFF) return code;
    if (text_.compare(at_, 2, "\\u") != 0) throw NotJson{};
    advance(2);
    unsigned low = read_hex4();
    if (low < 0xDC00 || low > 0xDFFF) throw NotJson{};
    return 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
  }

  std::string read_string() {
    advance();  // the opening quote
    std::string out;
    for (;;) {
      // Copy the run of plain characters at once.
      std::size_t run = at_;
      while (run < text_.size()) {
        auto c = static_cast<unsigned char>(text_[run]);
        if (c == '"' || c == '\\' || c < 0x20) break;
        ++run;
      }
      out.append(text_, at_, run - at_);
      advance(run - at_);
      char c = peek();
      if (c == '"') {
        advance();
        return out;
      }
      if (c != '\\') throw NotJson{};  // a control character or the end of the text
      advance();
      char escape = peek();
      advance();
      switch (escape) {
        case '"':
        case '\\':
        case '/':
          out += escape;
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u':
          append_utf8(out, static_cast<char32_t>(read_unicode_escape()));
          break;
        default:
          throw NotJson{};
      }
    }
  }

  const std::string& text_;
  TreeBuilder& builder_;
  std::size_t max_depth_;
  std::size_t at_ = 0;
  int line_ = 0;
  int column_ = 0;
};

}  // namespace

std::optional<Node> read_json(const std::string& file, const std::string& text,
                              Diagnostics& diagnostics, const ReaderLimits& limits,
                              ItemStream* stream) {
  // Diagnostics wait until the whole text is known to be JSON: a file with a syntax error
  // gets that error alone, as before.
  Diagnostics found;
  TreeBuilder builder(file, found, limits, stream);
  JsonEvents events(text, builder, limits.max_depth);
  try {
    events.read_document();
  } catch (const NotJson&) {
    return std::nullopt;
  }
  for (const Diagnostic& diagnostic : found.items()) diagnostics.add(diagnostic);
  return builder.has_root() ? builder.take_root() : Node{};
}

}  // namespace flowrun
