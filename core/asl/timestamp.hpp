#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string_view>

namespace flowrun::asl {

/// An instant parsed from an ASL timestamp, comparable across time zones.
struct Timestamp {
  std::int64_t seconds = 0;  ///< since 1970-01-01T00:00:00Z
  std::int64_t nanos = 0;    ///< 0 .. 999 999 999
  friend auto operator<=>(const Timestamp&, const Timestamp&) = default;
};

/// Parses the RFC 3339 profile the spec requires: `2016-08-18T17:33:00Z`, an optional
/// fraction, `Z` or a `+hh:mm` / `-hh:mm` offset; the `T` and `Z` must be upper case.
/// Returns nullopt for anything else, including impossible dates.
std::optional<Timestamp> parse_timestamp(std::string_view text);

}  // namespace flowrun::asl
