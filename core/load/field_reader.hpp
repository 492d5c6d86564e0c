#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/load/node.hpp"
#include "core/model/workflow.hpp"
#include "core/util/duration.hpp"
#include "core/validate/diagnostics.hpp"

namespace flowrun {

/// Reads typed values out of document nodes for the workflow loader. Every `read_*` returns
/// nullopt after reporting why (with the node's position); `name` is the key as the user
/// knows it, e.g. `timeout` or `retry.attempts`.
class FieldReader {
 public:
  FieldReader(std::string file, Diagnostics& diagnostics)
      : file_(std::move(file)), diagnostics_(diagnostics) {}

  const std::string& file() const { return file_; }
  Diagnostics& diagnostics() { return diagnostics_; }

  /// Reports an error of `code` pointing at `at` (underlining its text).
  Diagnostic& error(std::string code, const Node& at, std::string message);
  Diagnostic& warning(std::string code, const Node& at, std::string message);

  /// `unknown-key` for every key of `mapping` not in `known`, with a did-you-mean note.
  void check_keys(const Node& mapping, const std::vector<std::string>& known,
                  std::string_view where);

  /// `wrong-type`: "'name' must be EXPECTED, not a list".
  void wrong_type(const Node& value, std::string_view name, std::string_view expected);

  /// Any non-null scalar, as its text (numbers and booleans as written).
  std::optional<std::string> read_string(const Node& value, std::string_view name);
  std::optional<bool> read_bool(const Node& value, std::string_view name);
  std::optional<std::int64_t> read_integer(const Node& value, std::string_view name);
  std::optional<double> read_number(const Node& value, std::string_view name);
  /// An integer > 0 (`bad-value` otherwise).
  std::optional<int> read_positive(const Node& value, std::string_view name);
  /// A duration string, or a bare number of seconds; `bad-duration` when malformed.
  std::optional<Duration> read_duration(const Node& value, std::string_view name);
  /// A duration that must be > 0 (`bad-timeout` for zero or negative).
  std::optional<Duration> read_timeout(const Node& value, std::string_view name);
  /// One string or a list of strings; `positions` receives each item's position.
  std::optional<std::vector<std::string>> read_string_list(const Node& value, std::string_view name,
                                                           std::vector<SourcePos>* positions);
  /// A mapping of names to scalars (numbers and booleans become their text; null is "").
  EnvList read_env(const Node& value, std::string_view name);
  /// An integer (attempts) or a mapping of the retry keys.
  std::optional<RetryPolicy> read_retry(const Node& value, std::string_view name);
  /// One of `allowed` (`bad-value` with a did-you-mean otherwise).
  std::optional<std::string> read_choice(const Node& value, std::string_view name,
                                         const std::vector<std::string>& allowed);

 private:
  void read_retry_mapping(const Node& value, std::string_view name, RetryPolicy& policy, bool& ok);

  std::string file_;
  Diagnostics& diagnostics_;
};

/// True when `text` holds a `${{ ... }}` expression.
bool has_expression(std::string_view text);

/// "'a', 'b' or 'c'".
std::string quote_alternatives(const std::vector<std::string>& words, std::string_view last = "or");

}  // namespace flowrun
