#include <doctest/doctest.h>

#include "core/util/duration.hpp"

using flowrun::Duration;
using flowrun::format_duration;
using flowrun::parse_duration;

TEST_CASE("durations are read in every unit and in combinations") {
  CHECK(parse_duration("500ms") == Duration{500});
  CHECK(parse_duration("90s") == Duration{90'000});
  CHECK(parse_duration("5m") == Duration{300'000});
  CHECK(parse_duration("1h30m") == Duration{5'400'000});
  CHECK(parse_duration("2d") == Duration{172'800'000});
  CHECK(parse_duration("1.5s") == Duration{1500});
  CHECK(parse_duration("30") == Duration{30'000});
}

TEST_CASE("malformed durations are rejected") {
  for (const char* bad : {"", "5x", "m", "-1s", "1..2s", "5 m", "10s5", "abc", "1h 30m"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_duration(bad).has_value());
  }
}

TEST_CASE("durations print in their shortest form") {
  CHECK(format_duration(Duration{5'400'000}) == "1h30m");
  CHECK(format_duration(Duration{500}) == "500ms");
  CHECK(format_duration(Duration{0}) == "0s");
  CHECK(format_duration(Duration{61'500}) == "1m1s500ms");
}
