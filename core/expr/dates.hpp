#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace flowrun::expr {

/// A moment in UTC, remembering whether it was written as a plain date.
struct DateValue {
  std::int64_t seconds = 0;  ///< Unix epoch seconds
  bool date_only = false;
};

/// Reads `YYYY-MM-DD`, or `YYYY-MM-DDTHH:MM[:SS[.fff]]` with an optional `Z` or `+HH:MM`
/// offset (a space may replace the `T`). nullopt when the text is not such a date.
std::optional<DateValue> parse_date(std::string_view text);

/// `YYYY-MM-DD` for a plain date, else `YYYY-MM-DDTHH:MM:SSZ`.
std::string format_iso(const DateValue& date);

/// Moves `date` by a duration such as `-1d`, `+2w`, `1mo`, `-1y`, `1d12h`, `90m`, `30s`.
/// Months and years keep the day of the month, clamped to the month's length. Returns
/// nullopt, with `error` set, when `delta` is not such a duration.
std::optional<DateValue> add_to_date(DateValue date, std::string_view delta, std::string& error);

/// strftime(3) of `date` in UTC (`%Y-%m-%d`, `%Y%m%d`, `%H:%M` ...).
std::string format_date(const DateValue& date, std::string_view format);

/// The date of `epoch_ms` in UTC as `YYYY-MM-DD`, and the moment as `YYYY-MM-DDTHH:MM:SSZ`.
std::string format_today(std::int64_t epoch_ms);
std::string format_now(std::int64_t epoch_ms);

}  // namespace flowrun::expr
