#include "core/asl/interpreter.hpp"

#include <doctest/doctest.h>
#include <signal.h>
#include <unistd.h>

#include <fstream>
#include <string>
#include <vector>

#include "core/validate/load_definition.hpp"
#include "support/background.hpp"
#include "support/cli_runner.hpp"

extern char** environ;

// The interpreter in process: real processes, real files, events as Step Functions names them.

namespace flowrun::test {
namespace {

using nlohmann::json;

struct Driver {
  TempDir dir;
  std::optional<Definition> definition;
  asl::Bindings bindings;
  asl::MemoryRecorder recorder;
  asl::ExecutionObserver observer;
  asl::ExecutionResult result;

  explicit Driver(const json& machine) {
    Diagnostics diagnostics;
    definition = load_definition_text("machine.asl.json", machine.dump(), diagnostics);
    REQUIRE(definition);
    REQUIRE_FALSE(diagnostics.has_errors());
    bindings.dir = dir.path().string();
  }

  void bind(std::string resource, std::string script) {
    asl::TaskAction action;
    action.pattern = std::move(resource);
    action.script = std::move(script);
    bindings.actions.push_back(std::move(action));
  }

  asl::ExecutionResult& run(const json& input = json::object()) {
    RunFolder folder = RunFolder::create((dir.path() / "state").string());
    RunState run;
    run.run_id = folder.run_id();
    run.workflow = "machine";
    run.run_dir = folder.path();
    asl::ExecutionOptions options;
    options.machine_name = "machine";
    for (char** entry = environ; *entry; ++entry) options.environment.emplace_back(*entry);
    options.bindings = &bindings;
    options.kill_grace = Duration{500};
    result = asl::run_state_machine(*definition->machine, input, std::move(run), options, folder,
                                    recorder, observer);
    return result;
  }

  std::vector<std::string> event_types() const {
    std::vector<std::string> types;
    for (const asl::HistoryEvent& event : recorder.events) types.emplace_back(event.type);
    return types;
  }
};

bool process_exists(pid_t pid) { return kill(pid, 0) == 0; }

}  // namespace

TEST_CASE("a Pass and Choice machine records Step Functions events in order") {
  Driver driver(json::parse(R"({"StartAt": "A", "States": {
    "A": {"Type": "Pass", "Result": 1, "Next": "C"},
    "C": {"Type": "Choice", "Choices": [{"Variable": "$", "NumericEquals": 1, "Next": "Done"}]},
    "Done": {"Type": "Succeed"}}})"));
  asl::ExecutionResult& result = driver.run();
  CHECK(result.run.status == RunStatus::Succeeded);
  CHECK(result.run.output == 1);
  CHECK(driver.event_types() ==
        std::vector<std::string>{"ExecutionStarted", "PassStateEntered", "PassStateExited",
                                 "ChoiceStateEntered", "ChoiceStateExited", "SucceedStateEntered",
                                 "SucceedStateExited", "ExecutionSucceeded"});
  REQUIRE(result.states.size() == 3);
  CHECK(result.states[1].state->name == "C");
}

TEST_CASE("a Task runs its bound command and records scheduled, started and succeeded") {
  Driver driver(json::parse(R"({"StartAt": "T", "States": {
    "T": {"Type": "Task", "Resource": "arn:t", "ResultPath": "$.r", "End": true}}})"));
  driver.bind("arn:t", "echo \"{\\\"step\\\": \\\"$FLOWRUN_STEP\\\"}\"");
  asl::ExecutionResult& result = driver.run(json{{"a", 1}});
  CHECK(result.run.status == RunStatus::Succeeded);
  CHECK(result.run.output == json{{"a", 1}, {"r", {{"step", "T"}}}});
  CHECK(driver.event_types() == std::vector<std::string>{"ExecutionStarted", "TaskStateEntered",
                                                         "TaskScheduled", "TaskStarted",
                                                         "TaskSucceeded", "TaskStateExited",
                                                         "ExecutionSucceeded"});
  REQUIRE(result.states.size() == 1);
  CHECK(result.states[0].exit_code == 0);
  CHECK(read_text(result.states[0].log_path.str()).find("\"step\"") != std::string::npos);
}

TEST_CASE("a Task timeout stops the action's whole process group") {
  Driver driver(json::parse(R"({"StartAt": "T", "States": {
    "T": {"Type": "Task", "Resource": "arn:t", "TimeoutSeconds": 1, "End": true}}})"));
  std::string pid_file = (driver.dir.path() / "background.pid").string();
  driver.bind("arn:t", "sleep 60 & echo $! > " + pid_file + "; wait");
  asl::ExecutionResult& result = driver.run();
  CHECK(result.run.status == RunStatus::Failed);
  CHECK(result.run.error == "States.Timeout");
  CHECK(driver.event_types()[4] == "TaskTimedOut");
  pid_t background = std::stoi(read_text(pid_file));
  CHECK(wait_for([&] { return !process_exists(background); }, 10));
  CHECK(result.states[0].status == StepStatus::TimedOut);
}

TEST_CASE("a failing Parallel branch stops the other branch's process") {
  Driver driver(json::parse(R"({"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": true,
    "Branches": [
      {"StartAt": "Slow", "States": {"Slow": {"Type": "Task", "Resource": "arn:slow", "End": true}}},
      {"StartAt": "Wait", "States": {"Wait": {"Type": "Wait", "Seconds": 1, "Next": "Boom"},
                                     "Boom": {"Type": "Fail", "Error": "Boom", "Cause": "b"}}}]}}})"));
  std::string pid_file = (driver.dir.path() / "slow.pid").string();
  driver.bind("arn:slow", "echo $$ > " + pid_file + "; exec sleep 60");
  asl::ExecutionResult& result = driver.run();
  CHECK(result.run.status == RunStatus::Failed);
  CHECK(result.run.error == "Boom");
  CHECK(result.run.cause == "b");
  pid_t slow = std::stoi(read_text(pid_file));
  CHECK_FALSE(process_exists(slow));
  std::vector<std::string> types = driver.event_types();
  CHECK(std::count(types.begin(), types.end(), "TaskStateAborted") == 1);
  CHECK(std::count(types.begin(), types.end(), "ParallelStateFailed") == 1);
  CHECK(types.back() == "ExecutionFailed");
}

TEST_CASE("states inside a Map carry their item index and iterations are recorded") {
  Driver driver(json::parse(R"({"StartAt": "M", "States": {"M": {"Type": "Map", "End": true,
    "ItemProcessor": {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:t", "End": true}}}}}})"));
  driver.bind("arn:t", "read x; echo $((x + FLOWRUN_ITEM_INDEX))");
  asl::ExecutionResult& result = driver.run(json::array({10, 20}));
  CHECK(result.run.output == json::array({10, 21}));
  std::vector<std::int64_t> indexes;
  for (const asl::StateRun& run : result.states) {
    if (run.state->name == "T") indexes.push_back(run.item_index);
  }
  std::sort(indexes.begin(), indexes.end());
  CHECK(indexes == std::vector<std::int64_t>{0, 1});
  std::vector<std::string> types = driver.event_types();
  CHECK(std::count(types.begin(), types.end(), "MapIterationStarted") == 2);
  CHECK(std::count(types.begin(), types.end(), "MapIterationSucceeded") == 2);
  CHECK(std::count(types.begin(), types.end(), "MapStateSucceeded") == 1);
}

TEST_CASE("a retried Task gets a new attempt and a catcher's output goes to its Next") {
  Driver driver(json::parse(R"({"StartAt": "T", "States": {
    "T": {"Type": "Task", "Resource": "arn:t", "End": true,
          "Retry": [{"ErrorEquals": ["States.TaskFailed"], "IntervalSeconds": 0, "MaxAttempts": 1}],
          "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "H"}]},
    "H": {"Type": "Pass", "End": true}}})"));
  driver.bind("arn:t", "echo \"attempt $FLOWRUN_ATTEMPT\" >&2; exit 1");
  asl::ExecutionResult& result = driver.run(json{{"a", 1}});
  CHECK(result.run.status == RunStatus::Succeeded);
  CHECK(result.run.output ==
        json{{"a", 1}, {"error", {{"Error", "States.TaskFailed"}, {"Cause", "attempt 2"}}}});
  CHECK(result.states[0].attempts == 2);
  std::vector<std::string> types = driver.event_types();
  CHECK(std::count(types.begin(), types.end(), "TaskFailed") == 2);
}

}  // namespace flowrun::test
