#include <doctest/doctest.h>
#include <signal.h>

#include <nlohmann/json.hpp>

#include "support/background.hpp"
#include "support/cli_runner.hpp"

// A state machine of pure states (Pass, Choice) that never ends runs without waiting on
// anything; the execution must still honour TimeoutSeconds and SIGINT/SIGTERM, and commit
// its history as it goes. Until 2026-11-26 such a loop ignored both, never committed, and
// grew until the process ran out of memory.

namespace flowrun::test {
namespace {

using nlohmann::json;

constexpr const char* kEndlessLoop = R"j({"StartAt": "Count", %TIMEOUT% "States": {
  "Count": {"Type": "Pass", "Parameters": {"n.$": "States.MathAdd($.n, 1)"}, "Next": "Check"},
  "Check": {"Type": "Choice", "Choices": [{"Variable": "$.n", "NumericLessThan": 0,
            "Next": "Never"}], "Default": "Count"},
  "Never": {"Type": "Succeed"}}})j";

std::string endless_loop(const std::string& timeout) {
  std::string text = kEndlessLoop;
  text.replace(text.find("%TIMEOUT%"), 9, timeout);
  return text;
}

}  // namespace

TEST_CASE("an endless loop of pure states ends at the machine's TimeoutSeconds") {
  TempDir dir;
  std::string state = (dir.path() / "state").string();
  auto machine = dir.write("loop.asl.json", endless_loop("\"TimeoutSeconds\": 1,"));
  auto input = dir.write("in.json", R"({"n": 0})");
  pid_t pid = start_flowrun(
      {"run", machine.string(), "--input", "@" + input.string(), "--json", "--state-dir", state},
      dir.path() / "run");
  CHECK(wait_exit(pid, 60) == 124);
  json summary = json::parse(read_text(dir.path() / "run.out"));
  CHECK(summary["status"] == "timed_out");
  CHECK(summary["error"] == "States.Timeout");
  // It did loop: many state executions before the timeout.
  CHECK(summary["steps"].size() > 100);
  ProcessResult history = run_flowrun({"history", "last", "--state-dir", state});
  CHECK(history.out.find("ExecutionTimedOut") != std::string::npos);
}

TEST_CASE("an endless loop of pure states commits its history and stops on SIGINT or SIGTERM") {
  for (int signal : {SIGINT, SIGTERM}) {
    CAPTURE(signal);
    TempDir dir;
    std::string state = (dir.path() / "state").string();
    auto machine = dir.write("loop.asl.json", endless_loop(""));
    auto input = dir.write("in.json", R"({"n": 0})");
    pid_t pid = start_flowrun(
        {"run", machine.string(), "--input", "@" + input.string(), "--json", "--state-dir", state},
        dir.path() / "run");
    // Another process reads the history while the loop runs: it is committed as it goes.
    CHECK(wait_for_history_event(state, "ChoiceStateExited", "Check", 30));
    kill(pid, signal);
    CHECK(wait_exit(pid, 30) == 128 + signal);
    json summary = json::parse(read_text(dir.path() / "run.out"));
    CHECK(summary["status"] == "cancelled");
    ProcessResult history = run_flowrun({"history", "last", "--state-dir", state});
    CHECK(history.out.find("ExecutionAborted") != std::string::npos);
  }
}

}  // namespace flowrun::test
