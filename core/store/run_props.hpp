#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "core/store/database.hpp"

namespace flowrun {

/// Run properties (`flowrun props`): run-wide key/values that steps set while a run goes on,
/// stored in the history's `props` table. Each write is its own short write transaction
/// (`BEGIN IMMEDIATE`, busy timeout), so concurrent writers wait for each other and no
/// write is lost. Every failure throws flowrun::Error.
class RunProps {
 public:
  RunProps(Database& db, std::int64_t run_key) : db_(db), run_key_(run_key) {}

  /// Sets `key` to `value` (replacing it); `step` names the writer, may be empty.
  void set(std::string_view key, std::string_view value, std::string_view step);
  /// Adds `by` to the integer value of `key` (a missing key counts as 0) in one transaction
  /// and returns the new value; nullopt when the current value is not an integer.
  std::optional<std::int64_t> increment(std::string_view key, std::int64_t by,
                                        std::string_view step, std::string& current);
  /// The value of `key`, or nullopt.
  std::optional<std::string> get(std::string_view key);
  /// Every property as a JSON object of strings, keys in order.
  nlohmann::json list();

 private:
  void upsert(std::string_view key, std::string_view value, std::string_view step);

  Database& db_;
  std::int64_t run_key_;
};

/// Why `key` cannot name a property (letters, digits, `_` and `-`, so that
/// `run.props.<key>` reads it), or "" when it can.
std::string check_prop_key(std::string_view key);

/// The largest value `set` accepts, in bytes.
inline constexpr std::size_t kMaxPropBytes = 1 << 20;

}  // namespace flowrun
