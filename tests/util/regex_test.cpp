#include "core/util/regex.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using flowrun::Regex;
using flowrun::RegexMatch;
using flowrun::RegexMatchError;
using flowrun::RegexOptions;
using flowrun::RegexSyntaxError;

TEST_CASE("a regex search gives byte offsets, the text and each group, unset ones as nullopt") {
  std::optional<RegexMatch> match = Regex("(x)?(b+)").search("aébbc");
  REQUIRE(match);
  CHECK(match->start == 3);
  CHECK(match->end == 5);
  CHECK(match->text == "bb");
  REQUIRE(match->groups.size() == 2);
  CHECK_FALSE(match->groups[0]);
  CHECK(match->groups[1] == "bb");
  CHECK_FALSE(Regex("z").search("abc"));
}

TEST_CASE("a search from an offset still sees the text before it") {
  Regex after_a("(?<=a)b");
  CHECK(after_a.search("abab", 2)->start == 3);
  CHECK_FALSE(Regex("^b").search("ab", 1));
  CHECK_FALSE(after_a.search("ab", 3));
}

TEST_CASE("regex syntax follows JavaScript as far as PCRE2 allows") {
  CHECK(Regex("^.$").match_whole("é"));
  CHECK(Regex("^.$").match_whole("😀"));
  CHECK_FALSE(Regex("c$").is_found_in("abc\n"));
  CHECK(Regex("c$", {.multiline = true}).is_found_in("abc\nd"));
  CHECK(Regex("\\u00e9\\x41").is_found_in("éA"));
  CHECK(Regex("^\\u{2}$").match_whole("uu"));  // JavaScript without the `u` flag
  CHECK_FALSE(Regex("[]").is_found_in("abc"));
  CHECK(Regex("[^]").search("\n"));
  CHECK(Regex("é", {.ignore_case = true}).is_found_in("É"));
  CHECK(Regex("(a)?\\1b").match_whole("b"));  // an unset group's reference matches ""
  std::optional<RegexMatch> named = Regex("(?<year>\\d{4})-(?<month>\\d\\d)").search("2024-05");
  REQUIRE(named);
  CHECK(named->groups[1] == "05");
  CHECK_FALSE(Regex("a.b").is_found_in("a\rb"));
}

TEST_CASE("match_whole wants the whole subject") {
  Regex digits("[0-9]+");
  CHECK(digits.match_whole("123"));
  CHECK_FALSE(digits.match_whole("123x"));
  CHECK_FALSE(digits.match_whole("x123"));
}

TEST_CASE("an invalid pattern throws with PCRE2's message and the offset") {
  try {
    Regex("ab(c");
    FAIL("no error");
  } catch (const RegexSyntaxError& error) {
    CHECK(std::string(error.what()) == "missing closing parenthesis");
    CHECK(error.offset() == 4);
  }
  CHECK_THROWS_AS(Regex("\\C"), RegexSyntaxError);
  CHECK_THROWS_AS(Regex("\xff"), RegexSyntaxError);
}

TEST_CASE("a subject that is not UTF-8 is an error, not undefined behaviour") {
  const std::string latin1 = "caf\xe9";
  CHECK_THROWS_WITH_AS(Regex("f").is_found_in(latin1),
                       doctest::Contains("the text is not valid UTF-8"), RegexMatchError);
  flowrun::RegexSearch search(Regex("f"), latin1);
  CHECK_THROWS_AS(search.next(0), RegexMatchError);
}

TEST_CASE("a search goes on match after match from where the caller says") {
  std::string subject = "é1é22é333";
  Regex digits("[0-9]+");
  flowrun::RegexSearch search(digits, subject);
  std::vector<std::string> found;
  for (auto match = search.next(0); match; match = search.next(match->end)) {
    found.push_back(match->text);
  }
  CHECK(found == std::vector<std::string>{"1", "22", "333"});
  CHECK_FALSE(search.next(subject.size() + 1));
}

TEST_CASE("long subjects match on the heap, and runaway backtracking stops at a limit") {
  std::string pairs;
  for (int i = 0; i < 100000; ++i) pairs += "ab";
  CHECK(Regex("^(a|b)*$").match_whole(pairs));
  CHECK_FALSE(Regex("(a|b)*c").is_found_in(pairs));
  std::string as(40, 'a');
  CHECK_FALSE(Regex("(a+)+b").is_found_in(as));
  CHECK_THROWS_WITH_AS(Regex("^(a|aa)+$").is_found_in(as + "!"),
                       "matching exceeded its resource limit (match limit exceeded)",
                       RegexMatchError);
}
