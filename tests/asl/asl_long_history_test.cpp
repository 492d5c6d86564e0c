#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "support/cli_runner.hpp"

// A long run of pure states hands its history to the writer thread many times (every
// megabyte), often while the writer is still committing the last batch. Every event must
// reach the history once, in order, with the inputs and outputs the states saw.

namespace flowrun::test {

using nlohmann::json;

TEST_CASE("a long ASL run's history holds every event once and in order") {
  constexpr int kIterations = 20000;  // ~5 MB of events: several hand-overs
  TempDir dir;
  std::string state = (dir.path() / "state").string();
  auto machine = dir.write("loop.asl.json", R"j({"StartAt": "Init", "States": {
    "Init": {"Type": "Pass", "Result": {"i": 0}, "Next": "Check"},
    "Check": {"Type": "Choice", "Choices": [{"Variable": "$.i",
              "NumericGreaterThanEquals": )j" + std::to_string(kIterations) +
                                                R"j(, "Next": "Done"}], "Default": "Inc"},
    "Inc": {"Type": "Pass", "Parameters": {"i.$": "States.MathAdd($.i, 1)"}, "Next": "Check"},
    "Done": {"Type": "Succeed"}}})j");
  ProcessResult run = run_flowrun({"run", machine.string(), "--json", "--state-dir", state});
  REQUIRE(run.exit_code == 0);
  json summary = json::parse(run.out);
  CHECK(summary["output"] == json{{"i", kIterations}});
  // Init, Check and Inc per iteration, the last Check, and Done.
  const std::size_t executions = 2 * kIterations + 3;
  CHECK(summary["steps"].size() == executions);

  ProcessResult history = run_flowrun({"history", "last", "--json", "--state-dir", state});
  REQUIRE(history.exit_code == 0);
  json events = json::parse(history.out);
  // Entered and exited per state execution, and the execution's start and end.
  REQUIRE(events.size() == 2 * executions + 2);
  CHECK(events.front()["type"] == "ExecutionStarted");
  CHECK(events.back()["type"] == "ExecutionSucceeded");
  int counted = 0;
  std::string last_time;
  for (std::size_t i = 0; i < events.size(); ++i) {
    const json& event = events[i];
    CHECK(event["id"] == i + 1);
    // ISO times sort as text; a time left out of a batch line is the one before's.
    const std::string time = event["timestamp"].get<std::string>();
    CHECK(time.size() == 24);
    CHECK(time >= last_time);
    last_time = time;
    if (event["type"] == "PassStateExited" && event["step"] == "Inc") {
      ++counted;
      json output = json::parse(event["detail"].get<std::string>())["output"];
      CHECK(output == json{{"i", counted}});
    }
  }
  CHECK(counted == kIterations);
}

}  // namespace flowrun::test
