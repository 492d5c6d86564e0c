#include "core/asl/mock_config.hpp"

#include <fmt/format.h>

#include <charconv>

namespace flowrun::asl {
namespace {

bool parse_count(std::string_view text, std::int64_t& out) {
  if (text.empty()) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size() && out >= 0;
}

// "3" or "1-2" into an inclusive range.
bool parse_range(std::string_view key, std::int64_t& first, std::int64_t& last) {
  std::size_t dash = key.find('-');
  if (dash == std::string_view::npos) {
    if (!parse_count(key, first)) return false;
    last = first;
    return true;
  }
  return parse_count(key.substr(0, dash), first) && parse_count(key.substr(dash + 1), last) &&
         first <= last;
}

std::string text_of(const nlohmann::json& value) {
  return value.is_string() ? value.get<std::string>() : value.dump();
}

bool read_response(const nlohmann::json& entry, const std::string& where, MockedResponse& out,
                   std::string& error) {
  bool has_return = entry.is_object() && entry.contains("Return");
  bool has_throw = entry.is_object() && entry.contains("Throw");
  if (has_return == has_throw) {
    error = where + " must hold exactly one of 'Return' or 'Throw'";
    return false;
  }
  if (has_return) {
    out.result = entry["Return"];
    return true;
  }
  const nlohmann::json& thrown = entry["Throw"];
  if (!thrown.is_object() || !thrown.contains("Error")) {
    error = where + ": 'Throw' must be an object with 'Error' (and 'Cause')";
    return false;
  }
  out.is_throw = true;
  out.error = text_of(thrown["Error"]);
  if (thrown.contains("Cause")) out.cause = text_of(thrown["Cause"]);
  return true;
}

bool read_mocked_state(const nlohmann::json& responses, const std::string& name,
                       const std::string& file, MockedState& out, std::string& error) {
  out.response_name = name;
  auto found = responses.find(name);
  if (found == responses.end() || !found->is_object()) {
    error = fmt::format("{}: MockedResponses has no response named '{}'", file, name);
    return false;
  }
  for (const auto& [key, entry] : found->items()) {
    MockedState::Range range;
    std::string where = fmt::format("{}: MockedResponses.{}.\"{}\"", file, name, key);
    if (!parse_range(key, range.first, range.last)) {
      error = where + ": the key must be an invocation number (\"0\") or a range (\"1-2\")";
      return false;
    }
    if (!read_response(entry, where, range.response, error)) return false;
    for (const MockedState::Range& other : out.ranges) {
      if (range.first <= other.last && other.first <= range.last) {
        error = where + ": the invocation range overlaps another one";
        return false;
      }
    }
    out.ranges.push_back(std::move(range));
  }
  return true;
}

// Which state machine of the file the run means.
const nlohmann::json* pick_machine(const nlohmann::json& machines, const std::string& wanted,
                                   const std::string& fallback, const std::string& file,
                                   std::string& chosen, std::string& error) {
  if (!wanted.empty()) {
    auto found = machines.find(wanted);
    if (found == machines.end()) {
      error = fmt::format("{}: no state machine named '{}' under StateMachines", file, wanted);
      return nullptr;
    }
    chosen = wanted;
    return &*found;
  }
  if (machines.size() == 1) {
    chosen = machines.begin().key();
    return &*machines.begin();
  }
  auto found = machines.find(fallback);
  if (found != machines.end()) {
    chosen = fallback;
    return &*found;
  }
  error = fmt::format(
      "{}: the file mocks several state machines; choose one with --state-machine NAME", file);
  return nullptr;
}

}  // namespace

const MockedResponse* MockTestCase::response(std::string_view state,
                                             std::int64_t invocation) const {
  auto found = states.find(state);
  if (found == states.end()) return nullptr;
  for (const MockedState::Range& range : found->second.ranges) {
    if (invocation >= range.first && invocation <= range.last) return &range.response;
  }
  return nullptr;
}

std::optional<MockTestCase> read_mock_config(const std::string& file, const nlohmann::json& root,
                                             const std::string& machine,
                                             const std::string& default_machine,
                                             const std::string& test_case, std::string& error) {
  if (!root.is_object() || !root.contains("StateMachines") || !root["StateMachines"].is_object()) {
    error = file + ": a mock config needs a 'StateMachines' object";
    return std::nullopt;
  }
  MockTestCase result;
  result.file = file;
  result.test_case = test_case;
  const nlohmann::json* chosen =
      pick_machine(root["StateMachines"], machine, default_machine, file, result.machine, error);
  if (!chosen) return std::nullopt;
  const nlohmann::json* cases =
      chosen->is_object() && chosen->contains("TestCases") ? &(*chosen)["TestCases"] : nullptr;
  if (!cases || !cases->is_object() || !cases->contains(test_case)) {
    error = fmt::format("{}: state machine '{}' has no test case '{}'", file, result.machine,
                        test_case);
    return std::nullopt;
  }
  const nlohmann::json& states = (*cases)[test_case];
  const nlohmann::json empty = nlohmann::json::object();
  const nlohmann::json& responses =
      root.contains("MockedResponses") ? root["MockedResponses"] : empty;
  if (!states.is_object()) {
    error =
        fmt::format("{}: test case '{}' must map state names to mocked responses", file, test_case);
    return std::nullopt;
  }
  for (const auto& [state, name] : states.items()) {
    if (!name.is_string()) {
      error = fmt::format("{}: test case '{}', state '{}': the value must name a mocked response",
                          file, test_case, state);
      return std::nullopt;
    }
    MockedState mocked;
    if (!read_mocked_state(responses, name.get<std::string>(), file, mocked, error)) {
      return std::nullopt;
    }
    result.states.emplace(state, std::move(mocked));
  }
  return result;
}

}  // namespace flowrun::asl
