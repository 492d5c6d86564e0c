#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/util/error.hpp"

// Regular expressions on PCRE2, as close to JavaScript's as PCRE2 allows (the syntax of
// JSONata and of param patterns). PCRE2 backtracks on the heap within explicit match, depth
// and heap limits, so no pattern or subject can overflow the stack or run without end.

struct pcre2_real_code_8;
struct pcre2_real_match_data_8;

namespace flowrun {

/// A pattern PCRE2 refuses: its message, and the byte offset in the pattern where it failed.
class RegexSyntaxError : public std::runtime_error {
 public:
  RegexSyntaxError(const std::string& message, std::size_t offset)
      : std::runtime_error(message), offset_(offset) {}
  std::size_t offset() const { return offset_; }

 private:
  std::size_t offset_;
};

/// A match that could not be decided: a resource limit was reached, or the subject is not
/// UTF-8. The message is a phrase ("matching exceeded its resource limit (...)").
class RegexMatchError : public Error {
 public:
  using Error::Error;
};

/// How a pattern is compiled; the defaults are JavaScript's without flags.
struct RegexOptions {
  bool ignore_case = false;  ///< JavaScript's `i`
  bool multiline = false;    ///< JavaScript's `m`: `^` and `$` at line ends too
};

/// One match: byte offsets into the subject, its text and each capture group's text
/// (nullopt for a group that took no part, JavaScript's `undefined`).
struct RegexMatch {
  std::size_t start = 0;
  std::size_t end = 0;
  std::string text;
  std::vector<std::optional<std::string>> groups;
};

/// A compiled regular expression. Copies share the compiled code; matching is const and
/// safe from several threads at once. Matching throws RegexMatchError.
class Regex {
 public:
  /// Compiles `pattern` (UTF-8); throws RegexSyntaxError when it is not a valid pattern.
  explicit Regex(std::string_view pattern, RegexOptions options = {});

  /// The first match starting at or after byte `from` (the text before `from` is still seen
  /// by lookbehind and `^`), or nullopt.
  std::optional<RegexMatch> search(std::string_view subject, std::size_t from = 0) const;
  /// The match that spans the whole subject, or nullopt.
  std::optional<RegexMatch> match_whole(std::string_view subject) const;
  /// Whether the pattern matches anywhere in the subject.
  bool is_found_in(std::string_view subject) const { return search(subject).has_value(); }

 private:
  friend class RegexSearch;
  std::shared_ptr<const pcre2_real_code_8> code_;
};

/// Searches one subject match after match. Each search on its own would check the whole
/// subject's UTF-8 again (quadratic over many matches); here the first search from byte 0
/// checks it once. The subject must outlive the object.
class RegexSearch {
 public:
  RegexSearch(const Regex& regex, std::string_view subject);

  /// The first match starting at or after byte `from` (a character boundary), or nullopt.
  std::optional<RegexMatch> next(std::size_t from);

 private:
  friend class Regex;
  struct MatchDataDeleter {
    void operator()(pcre2_real_match_data_8* data) const;
  };

  std::optional<RegexMatch> run(std::size_t from, std::uint32_t options);

  std::shared_ptr<const pcre2_real_code_8> code_;
  std::string_view subject_;
  std::unique_ptr<pcre2_real_match_data_8, MatchDataDeleter> data_;
  bool subject_checked_ = false;
};

}  // namespace flowrun
