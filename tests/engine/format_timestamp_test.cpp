#include <doctest/doctest.h>
#include <fmt/format.h>

#include <ctime>

#include "core/engine/run_state.hpp"

using namespace flowrun;

namespace {

// What the C library says, for comparison.
std::string with_gmtime(std::int64_t epoch_ms) {
  std::time_t seconds = static_cast<std::time_t>(epoch_ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", utc.tm_year + 1900,
                     utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                     epoch_ms % 1000);
}

}  // namespace

TEST_CASE("timestamps are RFC 3339 UTC with milliseconds, as gmtime says") {
  CHECK(format_timestamp(0) == "1970-01-01T00:00:00.000Z");
  CHECK(format_timestamp(951782400123) == "2000-02-29T00:00:00.123Z");
  CHECK(format_timestamp(4107542399999) == "2100-02-28T23:59:59.999Z");
  CHECK(format_timestamp(4107542400000) == "2100-03-01T00:00:00.000Z");
  CHECK(format_timestamp(253402300799999) == "9999-12-31T23:59:59.999Z");
  // Every day of four centuries (leap rules of 1900, 2000, 2100), at a varying time of day.
  for (std::int64_t day = -25567; day < 146097 - 25567; ++day) {
    std::int64_t ms = day * 86400000 + (day * 7919 % 86400000 + 86400000) % 86400000;
    if (ms < 0) continue;  // gmtime's formula above assumes non-negative milliseconds
    REQUIRE(format_timestamp(ms) == with_gmtime(ms));
  }
}
