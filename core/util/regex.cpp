#include "core/util/regex.hpp"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <algorithm>
#include <array>

namespace flowrun {
namespace {

// PCRE2's defaults are compile-time settings of the library; set them here so the bounds on
// a match's work (backtracking steps, nesting, and heap for backtracking frames) are ours.
constexpr std::uint32_t kMatchLimit = 10'000'000;
constexpr std::uint32_t kDepthLimit = 10'000'000;
constexpr std::uint32_t kHeapLimitKib = 64 * 1024;

// JavaScript's syntax as far as PCRE2 has it: `.` matches a code point (UTF), `$` does not
// match before a final newline (DOLLAR_ENDONLY), `\uXXXX` and `\xHH` (ALT_BSUX), `[]` and
// `[^]`, and a back reference to an unset group matches the empty string. `\C` could split
// a character: refused. Not EXTRA_ALT_BSUX: without the `u` flag (which JSONata does not
// have) JavaScript reads `\u{62}` as 62 `u`s, and so does ALT_BSUX alone. Not
// MATCH_INVALID_UTF: it makes every search check the subject from its start offset to the end.
constexpr std::uint32_t kCompileOptions = PCRE2_UTF | PCRE2_DOLLAR_ENDONLY | PCRE2_ALT_BSUX |
                                          PCRE2_ALLOW_EMPTY_CLASS | PCRE2_MATCH_UNSET_BACKREF |
                                          PCRE2_NEVER_BACKSLASH_C;

std::string error_text(int code) {
  std::array<PCRE2_UCHAR, 256> buffer{};
  pcre2_get_error_message(code, buffer.data(), buffer.size());
  return reinterpret_cast<const char*>(buffer.data());
}

pcre2_match_context* limited_match_context() {
  // Read-only once set up, so one context serves every thread.
  static pcre2_match_context* context = [] {
    pcre2_match_context* created = pcre2_match_context_create(nullptr);
    if (created == nullptr) throw Error("out of memory for a regular expression match context");
    pcre2_set_match_limit(created, kMatchLimit);
    pcre2_set_depth_limit(created, kDepthLimit);
    pcre2_set_heap_limit(created, kHeapLimitKib);
    return created;
  }();
  return context;
}

[[noreturn]] void throw_match_error(int rc) {
  bool is_limit = rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
                  rc == PCRE2_ERROR_HEAPLIMIT || rc == PCRE2_ERROR_NOMEMORY;
  if (is_limit) {
    throw RegexMatchError("matching exceeded its resource limit (" + error_text(rc) + ")");
  }
  if (rc <= PCRE2_ERROR_UTF8_ERR1 && rc >= PCRE2_ERROR_UTF8_ERR21) {
    throw RegexMatchError("the text is not valid UTF-8 (" + error_text(rc) + ")");
  }
  throw RegexMatchError("matching failed (" + error_text(rc) + ")");
}

RegexMatch read_match(const pcre2_match_data* data, int rc, std::string_view subject) {
  const PCRE2_SIZE* ovector = pcre2_get_ovector_pointer(const_cast<pcre2_match_data*>(data));
  std::uint32_t pairs = pcre2_get_ovector_count(const_cast<pcre2_match_data*>(data));
  RegexMatch match;
  match.end = ovector[1];
  match.start = std::min<std::size_t>(ovector[0], match.end);  // `\K` can start past the end
  match.text = std::string(subject.substr(match.start, match.end - match.start));
  for (std::uint32_t group = 1; group < pairs; ++group) {
    PCRE2_SIZE start = ovector[2 * group];
    PCRE2_SIZE end = ovector[2 * group + 1];
    if (static_cast<int>(group) >= rc || start == PCRE2_UNSET || start > end) {
      match.groups.emplace_back(std::nullopt);
    } else {
      match.groups.emplace_back(std::string(subject.substr(start, end - start)));
    }
  }
  return match;
}

}  // namespace

Regex::Regex(std::string_view pattern, RegexOptions options) {
  std::unique_ptr<pcre2_compile_context, void (*)(pcre2_compile_context*)> context(
      pcre2_compile_context_create(nullptr), pcre2_compile_context_free);
  if (!context) throw Error("out of memory compiling a regular expression");
  // JavaScript's line terminators are \n, \r, U+2028 and U+2029; ANYCRLF has the first two.
  pcre2_set_newline(context.get(), PCRE2_NEWLINE_ANYCRLF);
  std::uint32_t flags = kCompileOptions;
  if (options.ignore_case) flags |= PCRE2_CASELESS;
  if (options.multiline) flags |= PCRE2_MULTILINE;
  int error = 0;
  PCRE2_SIZE offset = 0;
  pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                                   flags, &error, &offset, context.get());
  if (code == nullptr) throw RegexSyntaxError(error_text(error), offset);
  code_ = std::shared_ptr<const pcre2_code>(
      code, [](const pcre2_code* owned) { pcre2_code_free(const_cast<pcre2_code*>(owned)); });
}

std::optional<RegexMatch> Regex::search(std::string_view subject, std::size_t from) const {
  return RegexSearch(*this, subject).next(from);
}

std::optional<RegexMatch> Regex::match_whole(std::string_view subject) const {
  return RegexSearch(*this, subject).run(0, PCRE2_ANCHORED | PCRE2_ENDANCHORED);
}

void RegexSearch::MatchDataDeleter::operator()(pcre2_match_data* data) const {
  pcre2_match_data_free(data);
}

RegexSearch::RegexSearch(const Regex& regex, std::string_view subject)
    : code_(regex.code_),
      subject_(subject),
      data_(pcre2_match_data_create_from_pattern(code_.get(), nullptr)) {
  if (!data_) throw RegexMatchError("matching failed (out of memory)");
}

std::optional<RegexMatch> RegexSearch::next(std::size_t from) { return run(from, 0); }

std::optional<RegexMatch> RegexSearch::run(std::size_t from, std::uint32_t options) {
  if (from > subject_.size()) return std::nullopt;
  if (subject_checked_) options |= PCRE2_NO_UTF_CHECK;
  int rc = pcre2_match(code_.get(), reinterpret_cast<PCRE2_SPTR>(subject_.data()), subject_.size(),
                       from, options, data_.get(), limited_match_context());
  if (rc < 0 && rc != PCRE2_ERROR_NOMATCH) throw_match_error(rc);
  // A search from 0 has checked all of the subject (one from further on, only its rest).
  subject_checked_ = subject_checked_ || from == 0;
  if (rc == PCRE2_ERROR_NOMATCH) return std::nullopt;
  return read_match(data_.get(), rc, subject_);
}

}  // namespace flowrun
