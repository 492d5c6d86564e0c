#include "core/load/field_reader.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "core/load/load_workflow.hpp"
#include "core/util/text.hpp"

namespace flowrun {
namespace {

constexpr const char* kDurationHint = "write a number and a unit: 500ms, 90s, 5m, 1h30m or 2d";

std::string kind_word(const Node& node) { return std::string(describe_kind(node.kind)); }

bool is_negative_text(const Node& value) {
  return value.is_scalar() && !value.text.empty() && value.text[0] == '-';
}

}  // namespace

bool has_expression(std::string_view text) {
  auto open = text.find("${{");
  return open != std::string_view::npos && text.find("}}", open + 3) != std::string_view::npos;
}

std::string quote_alternatives(const std::vector<std::string>& words, std::string_view last) {
  std::string out;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (i > 0) out += i + 1 == words.size() ? fmt::format(" {} ", last) : ", ";
    out += "'" + words[i] + "'";
  }
  return out;
}

Diagnostic& FieldReader::error(std::string code, const Node& at, std::string message) {
  return diagnostics_.error(std::move(code), file_, at.pos, std::move(message), at.span);
}

Diagnostic& FieldReader::warning(std::string code, const Node& at, std::string message) {
  return diagnostics_.warning(std::move(code), file_, at.pos, std::move(message), at.span);
}

void FieldReader::check_keys(const Node& mapping, const std::vector<std::string>& known,
                             std::string_view where) {
  if (!mapping.is_mapping()) return;
  for (const auto& entry : mapping.entries) {
    if (std::find(known.begin(), known.end(), entry.key.text) != known.end()) continue;
    auto& diag =
        error("unknown-key", entry.key, fmt::format("unknown key '{}' {}", entry.key.text, where));
    if (auto suggestion = closest_match(entry.key.text, known)) {
      diag.note(fmt::format("did you mean '{}'?", *suggestion));
    }
  }
}

void FieldReader::wrong_type(const Node& value, std::string_view name, std::string_view expected) {
  error("wrong-type", value,
        fmt::format("'{}' must be {}, not {}", name, expected, kind_word(value)));
}

std::optional<std::string> FieldReader::read_string(const Node& value, std::string_view name) {
  if (!value.is_scalar() || value.is_null()) {
    wrong_type(value, name, "a string");
    return std::nullopt;
  }
  return value.text;
}

std::optional<bool> FieldReader::read_bool(const Node& value, std::string_view name) {
  if (value.kind != Node::Kind::Bool) {
    wrong_type(value, name, "true or false");
    return std::nullopt;
  }
  return value.boolean;
}

std::optional<std::int64_t> FieldReader::read_integer(const Node& value, std::string_view name) {
  if (value.kind != Node::Kind::Integer) {
    wrong_type(value, name, "an integer");
    return std::nullopt;
  }
  return value.integer;
}

std::optional<double> FieldReader::read_number(const Node& value, std::string_view name) {
  if (value.kind == Node::Kind::Integer) return static_cast<double>(value.integer);
  if (value.kind == Node::Kind::Float) return value.number;
  wrong_type(value, name, "a number");
  return std::nullopt;
}

std::optional<int> FieldReader::read_positive(const Node& value, std::string_view name) {
  if (value.kind != Node::Kind::Integer) {
    wrong_type(value, name, "a positive integer");
    return std::nullopt;
  }
  if (value.integer < 1 || value.integer > 1'000'000'000) {
    error("bad-value", value,
          fmt::format("'{}' must be a positive integer, not {}", name, value.integer));
    return std::nullopt;
  }
  return static_cast<int>(value.integer);
}

std::optional<Duration> FieldReader::read_duration(const Node& value, std::string_view name) {
  if (!value.is_string() && !value.is_number()) {
    wrong_type(value, name, "a duration string such as '90s'");
    return std::nullopt;
  }
  auto duration = parse_duration(value.text);
  if (!duration) {
    error("bad-duration", value,
          fmt::format("'{}' is not a valid duration: '{}'", name, value.text))
        .note(kDurationHint);
  }
  return duration;
}

std::optional<Duration> FieldReader::read_timeout(const Node& value, std::string_view name) {
  if (is_negative_text(value) || (value.is_number() && value.number < 0)) {
    error("bad-timeout", value,
          fmt::format("'{}' must be greater than zero, not '{}'", name, value.text));
    return std::nullopt;
  }
  auto duration = read_duration(value, name);
  if (duration && duration->milliseconds <= 0) {
    error("bad-timeout", value,
          fmt::format("'{}' must be greater than zero, not '{}'", name, value.text));
    return std::nullopt;
  }
  return duration;
}

std::optional<std::vector<std::string>> FieldReader::read_string_list(
    const Node& value, std::string_view name, std::vector<SourcePos>* positions) {
  std::vector<std::string> out;
  if (value.is_sequence()) {
    bool ok = true;
    for (const auto& item : value.items) {
      if (!item.is_scalar() || item.is_null()) {
        error("wrong-type", item,
              fmt::format("items of '{}' must be strings, not {}", name, kind_word(item)));
        ok = false;
        continue;
      }
      out.push_back(item.text);
      if (positions) positions->push_back(item.pos);
    }
    if (!ok) return std::nullopt;
    return out;
  }
  if (value.is_scalar() && !value.is_null()) {
    out.push_back(value.text);
    if (positions) positions->push_back(value.pos);
    return out;
  }
  wrong_type(value, name, "a string or a list of strings");
  return std::nullopt;
}

EnvList FieldReader::read_env(const Node& value, std::string_view name) {
  EnvList env;
  if (!value.is_mapping()) {
    wrong_type(value, name, "a mapping of variable names to values");
    return env;
  }
  for (const auto& entry : value.entries) {
    if (!entry.value.is_scalar()) {
      wrong_type(entry.value, fmt::format("{}.{}", name, entry.key.text), "a string");
      continue;
    }
    env.push_back({entry.key.text, entry.value.is_null() ? "" : entry.value.text, entry.key.pos,
                   entry.value.pos});
  }
  return env;
}

std::optional<std::string> FieldReader::read_choice(const Node& value, std::string_view name,
                                                    const std::vector<std::string>& allowed) {
  auto text = read_string(value, name);
  if (!text) return std::nullopt;
  for (const auto& word : allowed) {
    if (*text == word) return text;
  }
  auto& diag =
      error("bad-value", value,
            fmt::format("'{}' must be {}, not '{}'", name, quote_alternatives(allowed), *text));
  if (auto suggestion = closest_match(*text, allowed)) {
    diag.note(fmt::format("did you mean '{}'?", *suggestion));
  }
  return std::nullopt;
}

std::optional<RetryPolicy> FieldReader::read_retry(const Node& value, std::string_view name) {
  RetryPolicy policy;
  policy.pos = value.pos;
  bool ok = true;
  if (value.kind == Node::Kind::Integer) {
    if (value.integer < 1) {
      error("bad-retry", value,
            fmt::format("'{}' must be at least 1 attempt, not {}", name, value.integer));
      return std::nullopt;
    }
    policy.attempts = static_cast<int>(std::min<std::int64_t>(value.integer, 1'000'000));
    return policy;
  }
  if (!value.is_mapping()) {
    wrong_type(value, name, "a number of attempts or a mapping with 'attempts'");
    return std::nullopt;
  }
  read_retry_mapping(value, name, policy, ok);
  if (!ok) return std::nullopt;
  return policy;
}

void FieldReader::read_retry_mapping(const Node& value, std::string_view name, RetryPolicy& policy,
                                     bool& ok) {
  check_keys(value, retry_keys(), fmt::format("in '{}'", name));
  auto sub = [&](std::string_view key) { return fmt::format("{}.{}", name, key); };
  if (const Node* attempts = value.find("attempts")) {
    auto n = read_integer(*attempts, sub("attempts"));
    if (n && *n < 1) {
      error("bad-retry", *attempts,
            fmt::format("'{}' must be at least 1, not {}", sub("attempts"), *n));
      n.reset();
    }
    if (n) policy.attempts = static_cast<int>(std::min<std::int64_t>(*n, 1'000'000));
    ok = ok && n.has_value();
  }
  if (const Node* delay = value.find("delay")) {
    auto d = read_duration(*delay, sub("delay"));
    if (d) policy.delay = *d;
    ok = ok && d.has_value();
  }
  if (const Node* max_delay = value.find("max_delay")) {
    policy.max_delay = read_duration(*max_delay, sub("max_delay"));
    ok = ok && policy.max_delay.has_value();
  }
  if (const Node* backoff = value.find("backoff")) {
    auto factor = read_number(*backoff, sub("backoff"));
    if (factor && *factor < 1) {
      error("bad-retry", *backoff,
            fmt::format("'{}' must be a factor of at least 1, not {}", sub("backoff"),
                        backoff->text));
      factor.reset();
    }
    if (factor) policy.backoff = *factor;
    ok = ok && factor.has_value();
  }
  if (const Node* jitter = value.find("jitter")) {
    auto fraction = read_number(*jitter, sub("jitter"));
    if (fraction && (*fraction < 0 || *fraction > 1)) {
      error("bad-retry", *jitter,
            fmt::format("'{}' must be a fraction between 0 and 1, not {}", sub("jitter"),
                        jitter->text));
      fraction.reset();
    }
    if (fraction) policy.jitter = *fraction;
    ok = ok && fraction.has_value();
  }
  if (const Node* codes = value.find("on_exit_codes")) {
    std::vector<const Node*> items;
    if (codes->is_sequence()) {
      for (const auto& item : codes->items) items.push_back(&item);
    } else {
      items.push_back(codes);
    }
    for (const Node* item : items) {
      if (item->kind != Node::Kind::Integer || item->integer < 0 || item->integer > 255) {
        error("bad-retry", *item,
              fmt::format("'{}' must list exit codes, integers from 0 to 255, not {}",
                          sub("on_exit_codes"),
                          item->is_scalar() ? "'" + item->text + "'" : kind_word(*item)));
        ok = false;
        continue;
      }
      policy.on_exit_codes.push_back(static_cast<int>(item->integer));
    }
  }
}

}  // namespace flowrun
