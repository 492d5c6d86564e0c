#include "core/exec/script_template.hpp"

#include <vector>

namespace flowrun {
namespace {

enum class Mode { Code, Single, Double, DollarSingle };

struct Frame {
  Mode mode = Mode::Code;
  char closer = 0;  ///< for nested code: ')' of `$(`, '`' of a backtick; 0 at top level
  int parens = 0;   ///< open parentheses inside a `$(` frame
};

struct Heredoc {
  std::string delimiter;
  bool quoted = false;
  bool strip_tabs = false;
};

bool is_word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-' || c == '.' || c == '/';
}

// Follows the quoting of a POSIX shell script closely enough to know, at each expression,
// whether it stands in code, in quotes or in a here-document. It never has to be perfect:
// whatever it decides, only a parameter expansion is inserted.
class ShellScanner {
 public:
  // Feeds literal script text.
  void feed(std::string_view text) {
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (in_body_) {
        i = feed_body(text, i);
        continue;
      }
      i = feed_char(text, i);
    }
  }

  // Called for an expression; returns how to reference the variable here.
  std::string reference(const std::string& name) {
    if (in_body_) {
      line_has_expression_ = true;
      return "${" + name + "}";
    }
    if (comment_) return "${" + name + "}";
    switch (frames_.back().mode) {
      case Mode::Single:
        return "'\"${" + name + "}\"'";
      case Mode::DollarSingle:
        return "'\"${" + name + "}\"$'";
      case Mode::Double:
        return "${" + name + "}";
      case Mode::Code:
        break;
    }
    at_word_start_ = false;
    return "\"${" + name + "}\"";
  }

 private:
  std::size_t feed_char(std::string_view text, std::size_t i) {
    char c = text[i];
    char next = i + 1 < text.size() ? text[i + 1] : '\0';
    Frame& frame = frames_.back();
    if (comment_) {
      if (c == '\n') end_line();
      return i;
    }
    switch (frame.mode) {
      case Mode::Single:
        if (c == '\'') frames_.pop_back();
        return i;
      case Mode::DollarSingle:
        if (c == '\\') return i + 1;
        if (c == '\'') frames_.pop_back();
        return i;
      case Mode::Double:
        if (c == '\\') return i + 1;
        if (c == '"') frames_.pop_back();
        if (c == '$' && next == '(') return push_code(i + 1, ')');
        if (c == '`') frames_.push_back({Mode::Code, '`', 0});
        return i;
      case Mode::Code:
        return feed_code(text, i);
    }
    return i;
  }

  std::size_t feed_code(std::string_view text, std::size_t i) {
    char c = text[i];
    char next = i + 1 < text.size() ? text[i + 1] : '\0';
    Frame& frame = frames_.back();
    bool word_start = at_word_start_;
    at_word_start_ = c == ' ' || c == '\t' || c == ';' || c == '&' || c == '|' || c == '(' ||
                     c == '\n' || c == '{' || c == '}';
    switch (c) {
      case '\\':
        return i + 1;
      case '\'':
        frames_.push_back({Mode::Single, 0, 0});
        return i;
      case '"':
        frames_.push_back({Mode::Double, 0, 0});
        return i;
      case '`':
        if (frame.closer == '`') {
          frames_.pop_back();
        } else {
          frames_.push_back({Mode::Code, '`', 0});
        }
        return i;
      case '$':
        if (next == '\'') {
          frames_.push_back({Mode::DollarSingle, 0, 0});
          return i + 1;
        }
        if (next == '(') return push_code(i + 1, ')');
        return i;
      case '(':
        if (frame.closer == ')') ++frame.parens;
        return i;
      case ')':
        if (frame.closer == ')' && --frame.parens == 0) frames_.pop_back();
        return i;
      case '#':
        if (word_start) comment_ = true;
        return i;
      case '<':
        if (next == '<' && (i + 2 >= text.size() || text[i + 2] != '<')) {
          return read_heredoc(text, i + 2);
        }
        return i;
      case '\n':
        end_line();
        return i;
      default:
        return i;
    }
  }

  std::size_t push_code(std::size_t paren, char closer) {
    frames_.push_back({Mode::Code, closer, 1});
    at_word_start_ = true;
    return paren;
  }

  // Reads the delimiter of `<<[-]WORD` starting after `<<`; returns the last index consumed.
  std::size_t read_heredoc(std::string_view text, std::size_t i) {
    Heredoc heredoc;
    if (i < text.size() && text[i] == '-') {
      heredoc.strip_tabs = true;
      ++i;
    }
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
    std::size_t start = i;
    while (i < text.size()) {
      char c = text[i];
      if (c == '\'' || c == '"') {
        heredoc.quoted = true;
        std::size_t close = text.find(c, i + 1);
        if (close == std::string_view::npos) break;
        heredoc.delimiter.append(text.substr(i + 1, close - i - 1));
        i = close + 1;
      } else if (c == '\\') {
        heredoc.quoted = true;
        ++i;
      } else if (is_word_char(c)) {
        heredoc.delimiter += c;
        ++i;
      } else {
        break;
      }
    }
    if (i > start && !heredoc.delimiter.empty()) pending_.push_back(std::move(heredoc));
    return i == 0 ? 0 : i - 1;
  }

  void end_line() {
    comment_ = false;
    at_word_start_ = true;
    if (!pending_.empty() && frames_.size() == 1) {
      in_body_ = true;
      line_.clear();
      line_has_expression_ = false;
    }
  }

  // Inside a here-document body: collects the line and ends the body at its delimiter.
  std::size_t feed_body(std::string_view text, std::size_t i) {
    char c = text[i];
    if (c != '\n') {
      line_ += c;
      return i;
    }
    const Heredoc& current = pending_.front();
    std::string_view line = line_;
    if (current.strip_tabs) {
      while (!line.empty() && line.front() == '\t') line.remove_prefix(1);
    }
    if (!line_has_expression_ && line == current.delimiter) {
      pending_.erase(pending_.begin());
      in_body_ = !pending_.empty();
    }
    line_.clear();
    line_has_expression_ = false;
    return i;
  }

  std::vector<Frame> frames_{Frame{}};
  std::vector<Heredoc> pending_;
  bool in_body_ = false;
  bool comment_ = false;
  bool at_word_start_ = true;
  std::string line_;
  bool line_has_expression_ = false;
};

}  // namespace

bool is_posix_shell_command(std::string_view shell) {
  std::string_view program = shell.substr(0, shell.find(' '));
  std::size_t slash = program.rfind('/');
  if (slash != std::string_view::npos) program.remove_prefix(slash + 1);
  for (std::string_view known : {"", "sh", "bash", "dash", "ash", "ksh", "mksh", "zsh"}) {
    if (program == known) return true;
  }
  return false;
}

std::string script_variable(std::size_t n) { return "FLOWRUN_EXPR_" + std::to_string(n); }

std::string rewrite_script(const expr::Template& script, bool posix_shell) {
  std::string out;
  ShellScanner scanner;
  std::size_t n = 0;
  for (const auto& part : script.parts) {
    if (!part.is_expression) {
      out += part.text;
      if (posix_shell) scanner.feed(part.text);
      continue;
    }
    std::string name = script_variable(++n);
    out += posix_shell ? scanner.reference(name) : "${" + name + "}";
  }
  return out;
}

}  // namespace flowrun
