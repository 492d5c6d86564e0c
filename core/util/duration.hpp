#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace flowrun {

/// A length of time as written in workflow files: `500ms`, `90s`, `5m`, `1h30m`, `2d`.
/// Stored in milliseconds.
struct Duration {
  std::int64_t milliseconds = 0;

  std::chrono::milliseconds to_chrono() const { return std::chrono::milliseconds(milliseconds); }
  friend bool operator==(const Duration&, const Duration&) = default;
};

/// Parses `1h30m`, `500ms`, `90s`, `2d`, `1.5s`; a bare number is seconds. Returns nullopt
/// for anything else (empty, unknown unit, negative, overflow).
std::optional<Duration> parse_duration(std::string_view text);

/// Shortest readable form: `1h30m`, `500ms`, `0s`.
std::string format_duration(Duration duration);

}  // namespace flowrun
