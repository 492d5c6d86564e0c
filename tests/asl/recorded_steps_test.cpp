#include "core/asl/recorded_steps.hpp"

#include <doctest/doctest.h>
#include <signal.h>

#include <fstream>

#include "core/report/asl_summary.hpp"
#include "core/store/asl_history.hpp"
#include "core/validate/load_definition.hpp"
#include "support/background.hpp"
#include "support/cli_runner.hpp"

// The state executions read back from a recorded history (for the summary of a redriven run
// whose flowrun was killed) are the ones the run's own summary lists: runs through the real
// binary, then the history in SQLite against summary.json.

namespace flowrun::test {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

// A Task, a Task retried then caught, a Task whose ResultSelector fails (caught: no Task
// event says it failed), a Map with a tolerated failure, a Parallel whose only branch fails
// in a Pass state's Parameters (no event of its own), a Parallel whose branch fails with
// ErrorPath (caught), then a Fail state.
constexpr const char* kMachine = R"({"StartAt": "Prep", "States": {
  "Prep": {"Type": "Pass", "Result": {"items": [1, 2, 3], "kind": "Custom"}, "Next": "Work"},
  "Work": {"Type": "Task", "Resource": "arn:ok", "ResultPath": "$.ok", "Next": "Flaky"},
  "Flaky": {"Type": "Task", "Resource": "arn:bad", "Next": "Shape",
            "Retry": [{"ErrorEquals": ["States.ALL"], "MaxAttempts": 1, "IntervalSeconds": 0}],
            "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.caught", "Next": "Shape"}]},
  "Shape": {"Type": "Task", "Resource": "arn:ok", "ResultSelector": {"x.$": "$.missing"},
            "ResultPath": "$.shape", "Next": "Each",
            "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.unshaped", "Next": "Each"}]},
  "Each": {"Type": "Map", "ItemsPath": "$.items", "ToleratedFailureCount": 1,
           "MaxConcurrency": 1, "ResultPath": "$.each", "Next": "Pair",
           "ItemProcessor": {"StartAt": "Item", "States": {
             "Item": {"Type": "Task", "Resource": "arn:item", "End": true}}}},
  "Pair": {"Type": "Parallel", "ResultPath": "$.pair", "Next": "Both",
           "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.unpaired", "Next": "Both"}],
           "Branches": [{"StartAt": "Bad", "States": {
             "Bad": {"Type": "Pass", "Parameters": {"x.$": "$.nowhere"}, "End": true}}}]},
  "Both": {"Type": "Parallel", "ResultPath": "$.both", "Next": "Stop",
           "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.err", "Next": "Stop"}],
           "Branches": [
             {"StartAt": "Quick", "States": {"Quick": {"Type": "Pass", "End": true}}},
             {"StartAt": "Boom", "States": {"Boom": {"Type": "Fail", "ErrorPath": "$.kind",
                                                     "Cause": "boom"}}}]},
  "Stop": {"Type": "Fail", "Error": "Done", "Cause": "finished"}}})";

constexpr const char* kBindings =
    "arn:ok: 'echo 1'\n"
    "arn:bad: 'echo broken >&2; exit 4'\n"
    "arn:item: 'if [ \"$FLOWRUN_ITEM\" = 2 ]; then echo bad item >&2; exit 3; fi; echo "
    "$FLOWRUN_ITEM'\n";

Definition load(const fs::path& path) {
  Diagnostics diagnostics;
  std::optional<Definition> definition = load_definition(path.string(), diagnostics);
  REQUIRE(definition);
  REQUIRE(definition->machine);
  return std::move(*definition);
}

// The steps the history of run `id` records, written as a summary writes them.
json recorded_steps(const std::string& state_dir, const std::string& id,
                    const asl::StateMachine& machine) {
  std::unique_ptr<RunStore> store = RunStore::open_existing(state_dir);
  REQUIRE(store);
  std::optional<RunRow> run = store->find_run(id);
  REQUIRE(run);
  std::vector<EventRow> events = store->events_of(run->key);
  std::vector<AttemptRow> attempts = store->attempts_of(run->key);
  std::vector<asl::StateRun> runs =
      asl::recorded_state_runs(machine, recorded_events(events), recorded_attempts(attempts));
  return json::parse(render_asl_summary(RunState{}, asl::StateRuns(runs)))["steps"];
}

// Everything but the times, which the history takes a moment after the interpreter.
void check_same_steps(const json& recorded, const json& summary) {
  REQUIRE(recorded.size() == summary.size());
  for (std::size_t i = 0; i < summary.size(); ++i) {
    CAPTURE(i);
    CAPTURE(summary[i].dump());
    for (const char* field :
         {"id", "type", "status", "item_index", "attempts", "exit_code", "log", "error", "cause"}) {
      CAPTURE(field);
      CHECK(recorded[i].value(field, json()) == summary[i].value(field, json()));
    }
    CHECK(recorded[i]["started_at"].is_string());
  }
}

}  // namespace

TEST_CASE("the history of a failed run records the state executions its summary lists") {
  TempDir dir;
  std::string state = (dir.path() / "state").string();
  fs::path machine = dir.write("m.asl.json", kMachine);
  fs::path bindings = dir.write("b.yaml", kBindings);
  ProcessResult failed = run_flowrun(
      {"run", machine.string(), "--resources", bindings.string(), "--json", "--state-dir", state});
  INFO(failed.err);
  REQUIRE(failed.exit_code == 1);
  json summary = json::parse(failed.out);
  CHECK(summary["error"] == "Done");
  Definition definition = load(machine);
  json recorded = recorded_steps(state, summary["run_id"], *definition.machine);
  check_same_steps(recorded, summary["steps"]);
  // The corners this run goes through, so that the comparison means something.
  std::vector<std::string> statuses;
  for (const json& step : summary["steps"])
    statuses.push_back(step["id"].get<std::string>() + "=" + step["status"].get<std::string>());
  CHECK(statuses == std::vector<std::string>{"Prep=succeeded", "Work=succeeded", "Flaky=failed",
                                             "Shape=failed", "Each=succeeded", "Item=succeeded",
                                             "Item=failed", "Item=succeeded", "Pair=failed",
                                             "Bad=failed", "Both=failed", "Quick=succeeded",
                                             "Boom=failed", "Stop=failed"});
  CHECK(summary["steps"][3]["error"] == "States.ParameterPathFailure");
  CHECK(summary["steps"][9]["error"] == "States.ParameterPathFailure");
  CHECK(summary["steps"][12]["error"] == "Custom");
  // The failures no Task event names are in the history as EvaluationFailed.
  ProcessResult history = run_flowrun(
      {"history", summary["run_id"].get<std::string>(), "--json", "--state-dir", state});
  std::vector<std::string> evaluations;
  for (const json& event : json::parse(history.out)) {
    if (event["type"] != "EvaluationFailed") continue;
    json detail = json::parse(event["detail"].get<std::string>());
    evaluations.push_back(event["step"].get<std::string>() + "=" +
                          detail["error"].get<std::string>());
    CHECK(detail["state"] == event["step"]);
  }
  CHECK(evaluations == std::vector<std::string>{"Shape=States.ParameterPathFailure",
                                                "Bad=States.ParameterPathFailure"});
}

TEST_CASE("the history of a cancelled run records its stopped state executions") {
  TempDir dir;
  std::string state = (dir.path() / "state").string();
  fs::path machine = dir.write("m.asl.json", R"({"StartAt": "Both", "States": {
    "Both": {"Type": "Parallel", "End": true, "Branches": [
      {"StartAt": "Slow", "States": {"Slow": {"Type": "Task", "Resource": "arn:slow", "End": true}}},
      {"StartAt": "Pause", "States": {"Pause": {"Type": "Wait", "Seconds": 60, "End": true}}},
      {"StartAt": "Each", "States": {"Each": {"Type": "Map", "End": true, "ItemsPath": "$.items",
        "ItemProcessor": {"StartAt": "Hold", "States": {
          "Hold": {"Type": "Wait", "Seconds": 60, "End": true}}}}}}]}}})");
  fs::path bindings = dir.write("b.yaml", "arn:slow: 'touch slow.started; sleep 60'\n");
  pid_t pid = start_flowrun({"run", machine.string(), "--input", R"({"items": [1, 2]})",
                             "--resources", bindings.string(), "--json", "--state-dir", state},
                            dir.path() / "run");
  REQUIRE(wait_for([&] { return fs::exists(dir.path() / "slow.started"); }, 30));
  kill(pid, SIGTERM);
  CHECK(wait_exit(pid, 30) == 143);
  json summary = json::parse(read_text(dir.path() / "run.out"));
  CHECK(summary["status"] == "cancelled");
  Definition definition = load(machine);
  json recorded = recorded_steps(state, summary["run_id"], *definition.machine);
  check_same_steps(recorded, summary["steps"]);
  CHECK(summary["steps"].size() == 6);
}

TEST_CASE("the history of a long loop, in many rows and commits, records every state execution") {
  // 5 000 iterations: 10 003 state executions and 20 008 events, about 1.3 MB of history,
  // so the recorder commits at 1 MiB and writes many rows of ~16 KiB (asl_recorder.hpp).
  TempDir dir;
  std::string state = (dir.path() / "state").string();
  fs::path machine = dir.write("loop.asl.json", R"j({"StartAt": "Init", "States": {
    "Init": {"Type": "Pass", "Result": {"i": 0}, "Next": "Check"},
    "Check": {"Type": "Choice", "Choices": [{"Variable": "$.i",
              "NumericGreaterThanEquals": 5000, "Next": "Done"}], "Default": "Inc"},
    "Inc": {"Type": "Pass", "Parameters": {"i.$": "States.MathAdd($.i, 1)"}, "Next": "Check"},
    "Done": {"Type": "Succeed"}}})j");
  ProcessResult run = run_flowrun({"run", machine.string(), "--json", "--state-dir", state});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  json summary = json::parse(run.out);
  CHECK(summary["output"] == json{{"i", 5000}});
  REQUIRE(summary["steps"].size() == 10003);
  // The summary file holds what --json printed.
  std::ifstream file(fs::path(state) / "runs" / summary["run_id"].get<std::string>() /
                     "summary.json");
  CHECK(json::parse(file) == summary);
  Definition definition = load(machine);
  check_same_steps(recorded_steps(state, summary["run_id"], *definition.machine), summary["steps"]);
  ProcessResult history = run_flowrun(
      {"history", summary["run_id"].get<std::string>(), "--json", "--state-dir", state});
  json events = json::parse(history.out);
  REQUIRE(events.size() == 2 * 10003 + 2);
  CHECK(events.front()["type"] == "ExecutionStarted");
  CHECK(events.back()["type"] == "ExecutionSucceeded");
  // Every state entered then exited, in order, the input of each the output of the last.
  for (std::size_t i = 1; i + 1 < events.size(); i += 2) {
    CAPTURE(i);
    const json& entered = events[i];
    const json& exited = events[i + 1];
    CHECK(entered["step"] == summary["steps"][(i - 1) / 2]["id"]);
    CHECK(exited["step"] == entered["step"]);
    CHECK(entered["type"].get<std::string>().ends_with("StateEntered"));
    CHECK(exited["type"].get<std::string>().ends_with("StateExited"));
    if (i + 2 < events.size() - 1) {
      CHECK(json::parse(exited["detail"].get<std::string>())["output"] ==
            json::parse(events[i + 2]["detail"].get<std::string>())["input"]);
    }
  }
}

}  // namespace flowrun::test
