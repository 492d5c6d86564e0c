#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace flowrun {

/// What a `type: wait` step waits for, read from its type configuration.
struct SensorSpec {
  enum class Kind { Duration, Until, File, Command, Http };
  Kind kind = Kind::Duration;
  std::int64_t duration_ms = 0;  ///< Duration
  std::int64_t until_ms = 0;     ///< Until: Unix epoch ms
  std::string path;              ///< File: relative to the step's working directory
  std::int64_t min_size = 0;
  std::int64_t stable_for_ms = 0;
  nlohmann::json command;           ///< Command: a script (the step's shell) or an argv list
  std::string url;                  ///< Http: GET, ready on a 2xx answer
  std::int64_t interval_ms = 5000;  ///< between checks of a file, command or URL
  double backoff = 1.0;             ///< multiplies the interval after each check
  bool soft_fail = false;           ///< a timeout makes the step skipped, not timed out
};

/// Reads a wait step's `type_config`; nullopt with `cause` set for an `until` that is not an
/// RFC 3339 timestamp or nothing to wait for.
std::optional<SensorSpec> read_sensor(const nlohmann::json& config, std::string& cause);

/// The file a `for.file` sensor watches, as last seen.
struct FileProbe {
  std::int64_t size = -1;  ///< -1: missing
  std::int64_t mtime_ns = 0;
  std::int64_t unchanged_since_ns = 0;  ///< monotonic time the size and mtime were first seen
};

/// Looks at the file again at monotonic time `now_ns`; true when it exists, holds at least
/// `min_size` bytes, and (with `stable_for`) has not changed for that long.
bool check_file(const SensorSpec& spec, const std::string& path, std::int64_t now_ns,
                FileProbe& probe);

}  // namespace flowrun
