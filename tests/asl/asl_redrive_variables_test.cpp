#include <doctest/doctest.h>
#include <signal.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "support/background.hpp"
#include "support/cli_runner.hpp"

// State machine variables across `flowrun resume`: a redriven or resumed execution sees the
// variables (Assign) it had where it continues, at the top level, in each Parallel branch and
// in each Map iteration. The real binary, the real SQLite history: every state's assignments
// are in its `...StateExited` event (`assignedVariables`), from which the scopes are rebuilt.

namespace flowrun::test {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

json parse(const ProcessResult& result) {
  json value = json::parse(result.out, nullptr, false);
  REQUIRE_FALSE(value.is_discarded());
  return value;
}

json history_of(const std::string& id, const std::string& state) {
  ProcessResult history = run_flowrun({"history", id, "--json", "--state-dir", state});
  REQUIRE(history.exit_code == 0);
  return parse(history);
}

// Variables at the top level, in Map iterations (one fails its Task once) and in Parallel
// branches (the right one fails its Task once): each Task reads them in its Parameters, so a
// continuation without them would fail with States.ParameterPathFailure.
constexpr const char* kScopes = R"J({"StartAt": "Init", "States": {
  "Init": {"Type": "Pass", "Assign": {"outer": "O", "n.$": "$.n"}, "Next": "Each"},
  "Each": {"Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": 1, "ResultPath": "$.each",
    "Next": "Both",
    "ItemProcessor": {"StartAt": "Mark", "States": {
      "Mark": {"Type": "Pass", "Assign": {"mine.$": "States.Format('item-{}', $)"}, "Next": "Work"},
      "Work": {"Type": "Task", "Resource": "arn:work", "End": true,
               "Parameters": {"mine.$": "$mine", "outer.$": "$outer"}}}}},
  "Both": {"Type": "Parallel", "ResultPath": "$.both", "Next": "Done", "Branches": [
    {"StartAt": "Left", "States": {
      "Left": {"Type": "Pass", "Assign": {"side": "left"}, "Next": "LeftWork"},
      "LeftWork": {"Type": "Task", "Resource": "arn:side", "End": true,
                   "Parameters": {"side.$": "$side", "outer.$": "$outer"}}}},
    {"StartAt": "Right", "States": {
      "Right": {"Type": "Pass", "Assign": {"side": "right"}, "Next": "RightWork"},
      "RightWork": {"Type": "Task", "Resource": "arn:side", "End": true,
                    "Parameters": {"side.$": "$side", "outer.$": "$outer"}}}}]},
  "Done": {"Type": "Pass", "End": true,
           "Parameters": {"outer.$": "$outer", "n.$": "$n", "each.$": "$.each", "both.$": "$.both"}}}})J";

// Item 1 and the right branch fail the first time they run.
constexpr const char* kScopeBindings =
    "arn:work: 'echo x >> count-$FLOWRUN_ITEM_INDEX; if [ $FLOWRUN_ITEM_INDEX = 1 ] && "
    "[ $(wc -l < count-1) = 1 ]; then echo down >&2; exit 1; fi; cat'\n"
    "arn:side: 'input=$(cat); case \"$input\" in *right*) echo x >> right.count; "
    "if [ $(wc -l < right.count) = 1 ]; then echo down >&2; exit 1; fi;; esac; echo \"$input\"'\n";

}  // namespace

TEST_CASE("redrives give each scope the variables it had: top level, Map iteration, branch") {
  TempDir dir;
  std::string state = (dir.path() / "state").string();
  fs::path machine = dir.write("m.asl.json", kScopes);
  fs::path bindings = dir.write("b.yaml", kScopeBindings);
  ProcessResult failed =
      run_flowrun({"run", machine.string(), "--input", R"({"n": 7, "items": [1, 2]})",
                   "--resources", bindings.string(), "--json", "--state-dir", state});
  INFO(failed.err);
  REQUIRE(failed.exit_code == 1);
  std::string id = parse(failed)["run_id"];

  // The Map's iteration 1 goes on at Work with its own `mine` and the outer `outer`; then the
  // right branch fails.
  ProcessResult second = run_flowrun({"resume", id, "--json", "--state-dir", state});
  INFO(second.err);
  REQUIRE(second.exit_code == 1);
  CHECK(parse(second)["error"] == "States.TaskFailed");
  CHECK(read_text(dir.path() / "count-0") == "x\n");  // iteration 0 is not run again

  ProcessResult third = run_flowrun({"resume", id, "--json", "--state-dir", state});
  INFO(third.err);
  REQUIRE(third.exit_code == 0);
  json done = parse(third);
  CHECK(done["redrive_count"] == 2);
  CHECK(done["output"] == json::parse(R"({"outer": "O", "n": 7,
    "each": [{"mine": "item-1", "outer": "O"}, {"mine": "item-2", "outer": "O"}],
    "both": [{"side": "left", "outer": "O"}, {"side": "right", "outer": "O"}]})"));

  // Each Pass that assigned records it in its exit, as Step Functions' StateExited details do.
  bool seen = false;
  for (const json& event : history_of(id, state)) {
    if (event["type"] != "PassStateExited" || event["step"] != "Init") continue;
    json detail = json::parse(event["detail"].get<std::string>());
    CHECK(detail["assignedVariables"] == json{{"outer", "\"O\""}, {"n", "7"}});
    CHECK(detail["assignedVariablesDetails"] == json{{"truncated", false}});
    CHECK(detail["output"] == json{{"n", 7}, {"items", {1, 2}}});
    seen = true;
  }
  CHECK(seen);
}

TEST_CASE("a redrive after a failure sees variables assigned by the failed state's catcher") {
  TempDir dir;
  std::string state = (dir.path() / "state").string();
  // Try fails and is caught (the catcher assigns); Later fails once; its redrive reads both
  // variables, and a variable the state before assigned again later has its newest value.
  fs::path machine = dir.write("m.asl.json", R"J({"StartAt": "Start", "States": {
    "Start": {"Type": "Pass", "Assign": {"step": 1}, "Next": "Try"},
    "Try": {"Type": "Task", "Resource": "arn:bad", "Next": "Later",
            "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Later",
                       "Assign": {"step": 2, "why.$": "$.Error"}}]},
    "Later": {"Type": "Task", "Resource": "arn:later", "End": true,
              "Parameters": {"step.$": "$step", "why.$": "$why"}}}})J");
  fs::path bindings =
      dir.write("b.yaml",
                "arn:bad: 'echo {\\\"Error\\\": \\\"Broken\\\"}; exit 1'\n"
                "arn:later: 'echo x >> later.count; if [ $(wc -l < later.count) = 1 ]; then "
                "exit 1; fi; cat'\n");
  ProcessResult failed = run_flowrun(
      {"run", machine.string(), "--resources", bindings.string(), "--json", "--state-dir", state});
  INFO(failed.err);
  REQUIRE(failed.exit_code == 1);
  std::string id = parse(failed)["run_id"];
  ProcessResult redriven = run_flowrun({"resume", id, "--json", "--state-dir", state});
  INFO(redriven.err);
  CHECK(redriven.exit_code == 0);
  CHECK(parse(redriven)["output"] == json{{"step", 2}, {"why", "Broken"}});
}

TEST_CASE("a redrive of a killed run gives the variables back at the top level and in Map") {
  TempDir dir;
  std::string state = (dir.path() / "state").string();
  fs::path machine = dir.write("m.asl.json", R"J({"StartAt": "Init", "States": {
    "Init": {"Type": "Pass", "Assign": {"outer": "O"}, "Next": "Each"},
    "Each": {"Type": "Map", "ItemsPath": "$.items", "ResultPath": "$.each", "Next": "Done",
      "ItemProcessor": {"StartAt": "Mark", "States": {
        "Mark": {"Type": "Pass", "Assign": {"mine.$": "$"}, "Next": "Slow"},
        "Slow": {"Type": "Task", "Resource": "arn:slow", "End": true,
                 "Parameters": {"mine.$": "$mine", "outer.$": "$outer"}}}}},
    "Done": {"Type": "Pass", "End": true, "Parameters": {"outer.$": "$outer", "each.$": "$.each"}}}})J");
  // Slow blocks the first time it runs, until flowrun is killed.
  fs::path bindings =
      dir.write("b.yaml",
                "arn:slow: 'input=$(cat); echo x >> slow.count; if [ $(wc -l < slow.count) = 1 ]; "
                "then touch slow.started; sleep 60; fi; echo \"$input\"'\n");
  pid_t pid = start_flowrun({"run", machine.string(), "--input", R"({"items": ["a"]})",
                             "--resources", bindings.string(), "--state-dir", state},
                            dir.path() / "run");
  // Killed once the history holds Slow's start (it is committed within 20 ms).
  REQUIRE(wait_for([&] { return fs::exists(dir.path() / "slow.started"); }, 30));
  REQUIRE(wait_for_history_event(state, "TaskStarted", "Slow", 30));
  kill(pid, SIGKILL);
  wait_exit(pid, 30);
  ProcessResult status = run_flowrun({"status", "last", "--json", "--state-dir", state});
  CHECK(parse(status)["status"] == "interrupted");
  ProcessResult redriven = run_flowrun({"resume", "last", "--json", "--state-dir", state});
  INFO(redriven.err);
  CHECK(redriven.exit_code == 0);
  CHECK(parse(redriven)["output"] ==
        json::parse(R"({"outer": "O", "each": [{"mine": "a", "outer": "O"}]})"));
  CHECK(read_text(dir.path() / "slow.count") == "x\nx\n");
}

TEST_CASE("a waiting run resumed by its task token keeps the variables assigned before") {
  TempDir dir;
  std::string state = (dir.path() / "state").string();
  fs::path machine = dir.write("m.asl.json", R"J({"StartAt": "Init", "States": {
    "Init": {"Type": "Pass", "Assign": {"who": "ops"}, "Next": "Ask"},
    "Ask": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
            "Assign": {"answer.$": "$"}, "Next": "Done"},
    "Done": {"Type": "Pass", "End": true, "Parameters": {"who.$": "$who", "answer.$": "$answer"}}}})J");
  fs::path bindings = dir.write(
      "b.yaml",
      "arn:aws:states:::sqs:sendMessage: 'printf %s \"$FLOWRUN_TASK_TOKEN\" > token.txt'\n");
  ProcessResult started = run_flowrun({"run", machine.string(), "--resources", bindings.string(),
                                       "--no-wait", "--json", "--state-dir", state});
  INFO(started.err);
  REQUIRE(started.exit_code == 3);
  std::string id = parse(started)["run_id"];
  REQUIRE(run_flowrun({"task-success", read_text(dir.path() / "token.txt"), "--output", "\"yes\"",
                       "--state-dir", state})
              .exit_code == 0);
  ProcessResult resumed = run_flowrun({"resume", id, "--json", "--state-dir", state});
  INFO(resumed.err);
  CHECK(resumed.exit_code == 0);
  CHECK(parse(resumed)["output"] == json{{"who", "ops"}, {"answer", "yes"}});
}

}  // namespace flowrun::test
