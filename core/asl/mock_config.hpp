#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace flowrun::asl {

/// One mocked answer of a Task: its result (`Return`) or an error (`Throw`).
struct MockedResponse {
  bool is_throw = false;
  nlohmann::json result;  ///< Return: the task's result as it is
  std::string error;      ///< Throw
  std::string cause;      ///< Throw
};

/// The responses of one state, keyed by 0-based invocation ranges (`"0"`, `"1-2"`).
struct MockedState {
  std::string response_name;  ///< the name under MockedResponses
  struct Range {
    std::int64_t first = 0;
    std::int64_t last = 0;
    MockedResponse response;
  };
  std::vector<Range> ranges;
};

/// One test case of a Step Functions Local MockConfigFile: mocked states by name.
struct MockTestCase {
  std::string file;
  std::string machine;
  std::string test_case;
  std::map<std::string, MockedState, std::less<>> states;

  bool mocks(std::string_view state) const { return states.find(state) != states.end(); }
  /// The response of invocation `invocation` (0-based, counted per state over the whole
  /// execution, retries included) of `state`; nullptr when the file has none for it.
  const MockedResponse* response(std::string_view state, std::int64_t invocation) const;
};

/// Reads test case `test_case` of state machine `machine` from a MockConfigFile's JSON.
/// `machine` empty: the only machine in the file, or `default_machine` when the file has
/// it. Returns nullopt with `error` set (a sentence naming the file and the problem).
std::optional<MockTestCase> read_mock_config(const std::string& file, const nlohmann::json& root,
                                             const std::string& machine,
                                             const std::string& default_machine,
                                             const std::string& test_case, std::string& error);

}  // namespace flowrun::asl
