#include "core/store/run_props.hpp"

#include <charconv>

#include "core/engine/run_state.hpp"

namespace flowrun {
namespace {

constexpr const char* kUpsert =
    "INSERT INTO props (run, key, value, set_ms, step_id) VALUES (?1, ?2, ?3, ?4, ?5) "
    "ON CONFLICT (run, key) DO UPDATE SET value = excluded.value, set_ms = excluded.set_ms, "
    "step_id = excluded.step_id";

std::optional<std::int64_t> parse_integer(std::string_view text) {
  std::int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

std::string check_prop_key(std::string_view key) {
  if (key.empty()) return "a property key must not be empty";
  if (key.size() > 200) return "a property key must be at most 200 characters";
  for (char c : key) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-';
    if (!ok) {
      return "property key '" + std::string(key) +
             "' may hold only letters, digits, '_' and '-' (it is read as run.props.<key>)";
    }
  }
  return {};
}

void RunProps::set(std::string_view key, std::string_view value, std::string_view step) {
  Transaction transaction(db_);
  upsert(key, value, step);
  transaction.commit();
}

void RunProps::upsert(std::string_view key, std::string_view value, std::string_view step) {
  Statement statement(db_, kUpsert);
  statement.bind(1, run_key_).bind(2, key).bind(3, value).bind(4, now_epoch_ms());
  if (step.empty()) {
    statement.bind_null(5);
  } else {
    statement.bind(5, step);
  }
  statement.run();
}

std::optional<std::int64_t> RunProps::increment(std::string_view key, std::int64_t by,
                                                std::string_view step, std::string& current) {
  // Read and write in one write transaction: a parallel increment waits for this one.
  Transaction transaction(db_);
  std::int64_t value = 0;
  {
    Statement read(db_, "SELECT value FROM props WHERE run = ?1 AND key = ?2");
    read.bind(1, run_key_).bind(2, key);
    if (read.step()) {
      current = read.column_text(0);
      auto parsed = parse_integer(current);
      if (!parsed) return std::nullopt;
      value = *parsed;
    }
  }
  value += by;
  upsert(key, std::to_string(value), step);
  transaction.commit();
  return value;
}

std::optional<std::string> RunProps::get(std::string_view key) {
  Statement read(db_, "SELECT value FROM props WHERE run = ?1 AND key = ?2");
  read.bind(1, run_key_).bind(2, key);
  if (!read.step()) return std::nullopt;
  return read.column_text(0);
}

nlohmann::json RunProps::list() {
  nlohmann::json props = nlohmann::json::object();
  Statement read(db_, "SELECT key, value FROM props WHERE run = ?1 ORDER BY key");
  read.bind(1, run_key_);
  while (read.step()) props[read.column_text(0)] = read.column_text(1);
  return props;
}

}  // namespace flowrun
