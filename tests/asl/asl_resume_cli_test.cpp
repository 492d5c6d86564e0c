#include <doctest/doctest.h>
#include <signal.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "support/background.hpp"
#include "support/cli_runner.hpp"

// `flowrun resume` of Amazon States Language runs through the real binary: a run stopped
// `waiting` for a task token by --no-wait, answered from another process and continued; and
// Step Functions' redrive of failed runs (only what did not succeed runs again).

namespace flowrun::test {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

// Lines in a counter file: how many times an action ran.
std::size_t count_lines(const fs::path& path) {
  std::string text = read_text(path);
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

json parse(const ProcessResult& result) {
  json value = json::parse(result.out, nullptr, false);
  REQUIRE_FALSE(value.is_discarded());
  return value;
}

// A Prepare Task (counted), then a callback Task whose action writes its token to a file;
// a rejection is caught.
constexpr const char* kCallbackMachine = R"({"StartAt": "Prepare", "States": {
  "Prepare": {"Type": "Task", "Resource": "arn:prepare", "ResultPath": "$.prepared", "Next": "Ask"},
  "Ask": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
          "Parameters": {"order.$": "$.order", "token.$": "$$.Task.Token"},
          "ResultPath": "$.answer", "Next": "Done",
          "Catch": [{"ErrorEquals": ["Rejected"], "ResultPath": "$.rejection", "Next": "Handle"}]},
  "Done": {"Type": "Pass", "End": true},
  "Handle": {"Type": "Pass", "Result": "handled", "ResultPath": "$.handled", "End": true}}})";

constexpr const char* kCallbackBindings =
    "arn:prepare: 'echo x >> prepare.count; echo true'\n"
    "arn:aws:states:::sqs:sendMessage: 'printf %s \"$FLOWRUN_TASK_TOKEN\" > token.txt'\n";

struct CallbackRun {
  TempDir dir;
  std::string state = (dir.path() / "state").string();
  fs::path machine = dir.write("approval.asl.json", kCallbackMachine);
  fs::path bindings = dir.write("b.yaml", kCallbackBindings);

  ProcessResult start() {
    return run_flowrun({"run", machine.string(), "--input", R"({"order": 7})", "--resources",
                        bindings.string(), "--no-wait", "--json", "--state-dir", state});
  }
  std::string token() const { return read_text(dir.path() / "token.txt"); }
};

}  // namespace

TEST_CASE("--no-wait stops an ASL run waiting for its task token; resume takes the answer") {
  CallbackRun run;
  ProcessResult started = run.start();
  INFO(started.err);
  REQUIRE(started.exit_code == 3);
  json summary = parse(started);
  CHECK(summary["status"] == "waiting");
  std::string id = summary["run_id"];
  std::string token = run.token();
  REQUIRE_FALSE(token.empty());
  CHECK(started.err.find("flowrun task-success " + token + " --output") != std::string::npos);
  CHECK(started.err.find("flowrun resume " + id) != std::string::npos);
  ProcessResult status = run_flowrun({"status", id, "--json", "--state-dir", run.state});
  CHECK(parse(status)["status"] == "waiting");

  SUBCASE("a resume before the answer stops waiting again") {
    ProcessResult again = run_flowrun({"resume", id, "--no-wait", "--state-dir", run.state});
    INFO(again.err);
    CHECK(again.exit_code == 3);
    CHECK(again.err.find(token) != std::string::npos);
  }
  ProcessResult answer = run_flowrun(
      {"task-success", token, "--output", R"({"approved": true})", "--state-dir", run.state});
  INFO(answer.err);
  REQUIRE(answer.exit_code == 0);
  ProcessResult resumed = run_flowrun({"resume", id, "--json", "--state-dir", run.state});
  INFO(resumed.err);
  CHECK(resumed.exit_code == 0);
  json done = parse(resumed);
  CHECK(done["status"] == "succeeded");
  CHECK(done["run_id"] == id);
  CHECK(done["output"] == json{{"order", 7}, {"prepared", true}, {"answer", {{"approved", true}}}});
  CHECK(done["redrive_count"] == 0);  // continuing a waiting run is not a redrive
  CHECK(count_lines(run.dir.path() / "prepare.count") == 1);
  // The Ask state is listed once, succeeded.
  std::size_t asks = 0;
  for (const json& step : done["steps"]) {
    if (step["id"] == "Ask") {
      ++asks;
      CHECK(step["status"] == "succeeded");
    }
  }
  CHECK(asks == 1);
  // The token was used.
  ProcessResult used =
      run_flowrun({"task-success", token, "--output", "{}", "--state-dir", run.state});
  CHECK(used.exit_code == 2);
}

TEST_CASE("a task-failure given while an ASL run waits takes the Catch path on resume") {
  CallbackRun run;
  ProcessResult started = run.start();
  REQUIRE(started.exit_code == 3);
  std::string id = parse(started)["run_id"];
  REQUIRE(run_flowrun({"task-failure", run.token(), "--error", "Rejected", "--cause", "no",
                       "--state-dir", run.state})
              .exit_code == 0);
  ProcessResult resumed = run_flowrun({"resume", id, "--json", "--state-dir", run.state});
  INFO(resumed.err);
  CHECK(resumed.exit_code == 0);
  json output = parse(resumed)["output"];
  CHECK(output["handled"] == "handled");
  CHECK(output["rejection"] == json{{"Error", "Rejected"}, {"Cause", "no"}});
}

TEST_CASE("--no-wait stops a Parallel only once its other branches have finished") {
  TempDir dir;
  std::string state = (dir.path() / "state").string();
  auto machine = dir.write("m.asl.json", R"({"StartAt": "Both", "States": {
    "Both": {"Type": "Parallel", "End": true, "Branches": [
      {"StartAt": "Ask", "States": {"Ask": {"Type": "Task", "End": true,
        "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken"}}},
      {"StartAt": "Slow", "States": {"Slow": {"Type": "Task", "Resource": "arn:slow", "End": true}}}]}}})");
  auto bindings =
      dir.write("b.yaml",
                "arn:aws:states:::sqs:sendMessage: 'printf %s \"$FLOWRUN_TASK_TOKEN\" > "
                "token.txt'\n"
                "arn:slow: 'sleep 0.5; echo x >> slow.count; echo 1'\n");
  ProcessResult started = run_flowrun({"run", machine.string(), "--resources", bindings.string(),
                                       "--no-wait", "--json", "--state-dir", state});
  INFO(started.err);
  REQUIRE(started.exit_code == 3);
  json summary = parse(started);
  std::string id = summary["run_id"];
  for (const json& step : summary["steps"]) {
    if (step["id"] == "Slow") CHECK(step["status"] == "succeeded");
    if (step["id"] == "Ask") CHECK(step["status"] == "waiting");
  }
  REQUIRE(run_flowrun({"task-success", read_text(dir.path() / "token.txt"), "--output", R"("yes")",
                       "--state-dir", state})
              .exit_code == 0);
  ProcessResult resumed = run_flowrun({"resume", id, "--json", "--state-dir", state});
  INFO(resumed.err);
  CHECK(resumed.exit_code == 0);
  CHECK(parse(resumed)["output"] == json{"yes", 1});
  CHECK(count_lines(dir.path() / "slow.count") == 1);
}

TEST_CASE("Map iterations waiting for tokens are answered over several resumes") {
  TempDir dir;
  std::string state = (dir.path() / "state").string();
  auto machine = dir.write("m.asl.json", R"({"StartAt": "Each", "States": {
    "Each": {"Type": "Map", "End": true, "ItemProcessor": {"StartAt": "Ask", "States": {
      "Ask": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
              "Next": "After"},
      "After": {"Type": "Pass", "End": true}}}}}})");
  auto bindings =
      dir.write("b.yaml",
                "arn:aws:states:::sqs:sendMessage: 'printf %s \"$FLOWRUN_TASK_TOKEN\" > "
                "token-$FLOWRUN_ITEM_INDEX'\n");
  ProcessResult started =
      run_flowrun({"run", machine.string(), "--input", "[0, 1, 2]", "--resources",
                   bindings.string(), "--no-wait", "--json", "--state-dir", state});
  INFO(started.err);
  REQUIRE(started.exit_code == 3);
  std::string id = parse(started)["run_id"];
  auto answer = [&](int item, const std::string& output) {
    std::string token = read_text(dir.path() / ("token-" + std::to_string(item)));
    CHECK(started.err.find(token) != std::string::npos);
    CHECK(
        run_flowrun({"task-success", token, "--output", output, "--state-dir", state}).exit_code ==
        0);
  };
  answer(1, R"("b")");
  ProcessResult partly = run_flowrun({"resume", id, "--no-wait", "--state-dir", state});
  CHECK(partly.exit_code == 3);
  CHECK(partly.err.find("waiting for 2 task tokens") != std::string::npos);
  answer(0, R"("a")");
  answer(2, R"("c")");
  ProcessResult resumed = run_flowrun({"resume", id, "--json", "--state-dir", state});
  INFO(resumed.err);
  CHECK(resumed.exit_code == 0);
  CHECK(parse(resumed)["output"] == json{"a", "b", "c"});
}

TEST_CASE("a redrive reruns the failed Task only, appends ExecutionRedriven and counts it") {
  TempDir dir;
  std::string state = (dir.path() / "state").string();
  auto machine = dir.write("m.asl.json", R"({"StartAt": "First", "States": {
    "First": {"Type": "Task", "Resource": "arn:first", "ResultPath": "$.first", "Next": "Flaky"},
    "Flaky": {"Type": "Task", "Resource": "arn:flaky", "ResultPath": "$.flaky",
              "Retry": [{"ErrorEquals": ["States.ALL"], "MaxAttempts": 1, "IntervalSeconds": 0}],
              "Next": "Done"},
    "Done": {"Type": "Succeed"}}})");
  // Flaky fails on its first two calls (the attempt and its one retry), then succeeds.
  auto bindings = dir.write("b.yaml",
                            "arn:first: 'echo x >> first.count; echo 1'\n"
                            "arn:flaky: 'echo x >> flaky.count; test $(wc -l < flaky.count) -gt 2 "
                            "&& echo 2 || { echo down >&2; exit 1; }'\n");
  ProcessResult failed = run_flowrun(
      {"run", machine.string(), "--resources", bindings.string(), "--json", "--state-dir", state});
  REQUIRE(failed.exit_code == 1);
  json summary = parse(failed);
  CHECK(summary["error"] == "States.TaskFailed");
  CHECK(summary["redrive_count"] == 0);
  std::string id = summary["run_id"];
  CHECK(count_lines(dir.path() / "flaky.count") == 2);

  ProcessResult redriven = run_flowrun({"resume", id, "--json", "--state-dir", state});
  INFO(redriven.err);
  CHECK(redriven.exit_code == 0);
  json done = parse(redriven);
  CHECK(done["run_id"] == id);
  CHECK(done["output"] == json{{"first", 1}, {"flaky", 2}});
  CHECK(done["redrive_count"] == 1);
  CHECK(count_lines(dir.path() / "first.count") == 1);  // First succeeded: not run again
  CHECK(count_lines(dir.path() / "flaky.count") == 3);  // retry counter started from zero

  ProcessResult status = run_flowrun({"status", id, "--json", "--state-dir", state});
  CHECK(parse(status)["redrive_count"] == 1);
  CHECK(parse(status)["status"] == "succeeded");
  ProcessResult text = run_flowrun({"status", id, "--state-dir", state});
  CHECK(text.out.find("redriven 1 time") != std::string::npos);

  ProcessResult history = run_flowrun({"history", id, "--json", "--state-dir", state});
  json events = parse(history);
  std::int64_t expected_id = 1;
  bool redrive_event = false;
  for (const json& event : events) {
    CHECK(event["id"] == expected_id++);
    if (event["type"] == "ExecutionRedriven") {
      redrive_event = true;
      CHECK(json::parse(event["detail"].get<std::string>())["redriveCount"] == 1);
    }
  }
  CHECK(redrive_event);
  CHECK(events.back()["type"] == "ExecutionSucceeded");

  ProcessResult refused = run_flowrun({"resume", id, "--state-dir", state});
  CHECK(refused.exit_code == 2);
  CHECK(refused.err.find("succeeded; a succeeded execution cannot be redriven") !=
        std::string::npos);
}

TEST_CASE("a redrive inside Map reruns only the iterations that failed") {
  TempDir dir;
  std::string state = (dir.path() / "state").string();
  auto machine = dir.write("m.asl.json", R"J({"StartAt": "Each", "States": {
    "Each": {"Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": 1,
      "ItemProcessor": {"StartAt": "Work", "States": {
        "Work": {"Type": "Task", "Resource": "arn:work", "Next": "Twice"},
        "Twice": {"Type": "Pass", "Parameters": {"v.$": "States.MathAdd($, $)"}, "End": true}}},
      "End": true}}})J");
  // Item 2 fails the first time it runs.
  auto bindings =
      dir.write("b.yaml",
                "arn:work: 'echo x >> count-$FLOWRUN_ITEM_INDEX; if [ $FLOWRUN_ITEM_INDEX = 2 ] && "
                "[ $(wc -l < count-2) = 1 ]; then exit 1; fi; echo $FLOWRUN_ITEM'\n");
  ProcessResult failed =
      run_flowrun({"run", machine.string(), "--input", R"({"items": [10, 11, 12, 13]})",
                   "--resources", bindings.string(), "--json", "--state-dir", state});
  REQUIRE(failed.exit_code == 1);
  std::string id = parse(failed)["run_id"];
  CHECK(count_lines(dir.path() / "count-3") == 0);  // one at a time: item 3 never started

  ProcessResult redriven = run_flowrun({"resume", id, "--json", "--state-dir", state});
  INFO(redriven.err);
  CHECK(redriven.exit_code == 0);
  CHECK(parse(redriven)["output"] ==
        json::parse(R"([{"v": 20}, {"v": 22}, {"v": 24}, {"v": 26}])"));
  // Iterations 0 and 1 kept their outputs; 2 ran again; 3 ran for the first time.
  CHECK(count_lines(dir.path() / "count-0") == 1);
  CHECK(count_lines(dir.path() / "count-1") == 1);
  CHECK(count_lines(dir.path() / "count-2") == 2);
  CHECK(count_lines(dir.path() / "count-3") == 1);
}

TEST_CASE("a redrive inside Parallel reruns only the branch that failed") {
  TempDir dir;
  std::string state = (dir.path() / "state").string();
  auto machine = dir.write("m.asl.json", R"({"StartAt": "Both", "States": {
    "Both": {"Type": "Parallel", "End": true, "Branches": [
      {"StartAt": "Steady", "States": {"Steady": {"Type": "Task", "Resource": "arn:steady", "End": true}}},
      {"StartAt": "Wobbly", "States": {"Wobbly": {"Type": "Task", "Resource": "arn:wobbly", "End": true}}}]}}})");
  // Wobbly fails once Steady has counted (usually after Steady ended: see below).
  auto bindings =
      dir.write("b.yaml",
                "arn:steady: 'echo x >> steady.count; echo \\\"steady\\\"'\n"
                "arn:wobbly: 'until [ -f steady.count ]; do sleep 0.05; done; sleep 0.5; "
                "echo x >> wobbly.count; test $(wc -l < wobbly.count) -gt 1 && echo \\\"wobbly\\\" "
                "|| exit 1'\n");
  ProcessResult failed = run_flowrun(
      {"run", machine.string(), "--resources", bindings.string(), "--json", "--state-dir", state});
  INFO(failed.err);
  REQUIRE(failed.exit_code == 1);
  json first = parse(failed);
  std::string id = first["run_id"];
  bool steady_succeeded = false;
  for (const json& step : first["steps"]) {
    if (step["id"] == "Steady" && step["status"] == "succeeded") steady_succeeded = true;
  }
  ProcessResult redriven = run_flowrun({"resume", id, "--json", "--state-dir", state});
  INFO(redriven.err);
  CHECK(redriven.exit_code == 0);
  CHECK(parse(redriven)["output"] == json{"steady", "wobbly"});
  // A branch that succeeded is not run again; one stopped by the failure is.
  CHECK(count_lines(dir.path() / "steady.count") == (steady_succeeded ? 1 : 2));
  CHECK(count_lines(dir.path() / "wobbly.count") == 2);
}

TEST_CASE("a redrive of an interrupted or cancelled run goes on from where its history says") {
  for (int signal : {SIGKILL, SIGTERM}) {
    CAPTURE(signal);
    TempDir dir;
    std::string state = (dir.path() / "state").string();
    auto machine = dir.write("m.asl.json", R"({"StartAt": "First", "States": {
      "First": {"Type": "Task", "Resource": "arn:first", "ResultPath": "$.first", "Next": "Check"},
      "Check": {"Type": "Choice", "Default": "Slow",
                "Choices": [{"Variable": "$.first", "NumericEquals": 0, "Next": "First"}]},
      "Slow": {"Type": "Task", "Resource": "arn:slow", "ResultPath": "$.slow", "End": true}}})");
    // Slow blocks until its marker file is removed, the first time only.
    auto bindings = dir.write("b.yaml",
                              "arn:first: 'echo x >> first.count; echo 1'\n"
                              "arn:slow: 'echo x >> slow.count; if [ $(wc -l < slow.count) = 1 ]; "
                              "then touch slow.started; sleep 60; fi; echo 2'\n");
    pid_t pid = start_flowrun(
        {"run", machine.string(), "--resources", bindings.string(), "--state-dir", state},
        dir.path() / "run");
    // Killed once the history holds Slow's start (it is committed within 20 ms).
    REQUIRE(wait_for([&] { return fs::exists(dir.path() / "slow.started"); }, 30));
    REQUIRE(wait_for_history_event(state, "TaskStarted", "Slow", 30));
    kill(pid, signal);
    wait_exit(pid, 30);
    ProcessResult status = run_flowrun({"status", "last", "--json", "--state-dir", state});
    CHECK(parse(status)["status"] == (signal == SIGKILL ? "interrupted" : "cancelled"));
    ProcessResult redriven = run_flowrun({"resume", "last", "--json", "--state-dir", state});
    INFO(redriven.err);
    CHECK(redriven.exit_code == 0);
    CHECK(parse(redriven)["output"] == json{{"first", 1}, {"slow", 2}});
    CHECK(count_lines(dir.path() / "first.count") == 1);
    CHECK(count_lines(dir.path() / "slow.count") == 2);
  }
}

TEST_CASE("a redrive enters a Fail state again and fails again") {
  TempDir dir;
  std::string state = (dir.path() / "state").string();
  auto machine = dir.write("m.asl.json", R"({"StartAt": "Look", "States": {
    "Look": {"Type": "Pass", "Result": {"n": 1}, "Next": "Stop"},
    "Stop": {"Type": "Fail", "Error": "Stopped", "Cause": "always"}}})");
  ProcessResult failed = run_flowrun({"run", machine.string(), "--json", "--state-dir", state});
  REQUIRE(failed.exit_code == 1);
  std::string id = parse(failed)["run_id"];
  ProcessResult redriven = run_flowrun({"resume", id, "--json", "--state-dir", state});
  CHECK(redriven.exit_code == 1);
  json summary = parse(redriven);
  CHECK(summary["error"] == "Stopped");
  CHECK(summary["redrive_count"] == 1);
  ProcessResult history = run_flowrun({"history", id, "--json", "--state-dir", state});
  std::vector<std::string> after;
  bool seen = false;
  for (const json& event : parse(history)) {
    if (event["type"] == "ExecutionRedriven") seen = true;
    if (seen) after.push_back(event["type"]);
    if (event["type"] == "FailStateEntered" && seen) {
      CHECK(json::parse(event["detail"].get<std::string>())["input"] == json{{"n", 1}});
    }
  }
  CHECK(after ==
        std::vector<std::string>{"ExecutionRedriven", "FailStateEntered", "ExecutionFailed"});
}

TEST_CASE("a redrive of a timed-out run keeps its Wait's clock and restarts the run timeout") {
  TempDir dir;
  std::string state = (dir.path() / "state").string();
  // The Wait outlasts the 2 s timeout once; the redrive waits only what is left of it.
  auto machine = dir.write("m.asl.json", R"({"TimeoutSeconds": 2, "StartAt": "Pause",
    "States": {"Pause": {"Type": "Wait", "Seconds": 3, "Next": "Done"},
               "Done": {"Type": "Pass", "Result": "done", "End": true}}})");
  ProcessResult timed_out = run_flowrun({"run", machine.string(), "--json", "--state-dir", state});
  REQUIRE(timed_out.exit_code == 124);
  std::string id = parse(timed_out)["run_id"];
  ProcessResult redriven = run_flowrun({"resume", id, "--json", "--state-dir", state});
  INFO(redriven.err);
  CHECK(redriven.exit_code == 0);
  CHECK(parse(redriven)["output"] == "done");
}

}  // namespace flowrun::test

namespace flowrun::test {
namespace {

// The ids and statuses a summary lists, as "id=status".
std::vector<std::string> step_list(const json& summary) {
  std::vector<std::string> steps;
  for (const json& step : summary["steps"]) {
    steps.push_back(step["id"].get<std::string>() + "=" + step["status"].get<std::string>());
  }
  return steps;
}

// Starts `args` in the background and SIGKILLs it once `marker` exists and the history
// holds the `count`-th start of Task `state` (committed within 20 ms).
void kill_when_started(const std::vector<std::string>& args, const fs::path& out,
                       const fs::path& marker, const std::string& state_dir,
                       const std::string& state, std::size_t count) {
  pid_t pid = start_flowrun(args, out);
  REQUIRE(wait_for(
      [&] {
        if (!fs::exists(marker)) return false;
        ProcessResult history =
            run_flowrun({"history", "last", "--json", "--state-dir", state_dir});
        json events = json::parse(history.out, nullptr, false);
        if (!events.is_array()) return false;
        std::size_t started = 0;
        for (const json& event : events) {
          if (event["type"] == "TaskStarted" && event["step"] == state) ++started;
        }
        return started >= count;
      },
      30));
  kill(pid, SIGKILL);
  wait_exit(pid, 30);
}

}  // namespace

TEST_CASE("the summary of a redriven interrupted run lists every state execution once") {
  TempDir dir;
  std::string state = (dir.path() / "state").string();
  auto machine = dir.write("m.asl.json", R"({"StartAt": "Begin", "States": {
    "Begin": {"Type": "Pass", "Result": {"n": 1}, "Next": "Fetch"},
    "Fetch": {"Type": "Task", "Resource": "arn:fetch", "ResultPath": "$.fetched", "Next": "Shape"},
    "Shape": {"Type": "Pass", "Parameters": {"n.$": "$.n", "fetched.$": "$.fetched"}, "Next": "Slow"},
    "Slow": {"Type": "Task", "Resource": "arn:slow", "ResultPath": "$.slow", "Next": "Finish"},
    "Finish": {"Type": "Pass", "End": true}}})");
  // Call N of Slow blocks while hold-N exists: the run (and a redrive) are killed there.
  auto bindings = dir.write("b.yaml",
                            "arn:fetch: 'echo x >> fetch.count; echo 5'\n"
                            "arn:slow: 'echo x >> slow.count; n=$(wc -l < slow.count); touch "
                            "slow.started-$n; if [ -f hold-$n ]; then sleep 60; fi; echo 2'\n");
  dir.write("hold-1", "");
  kill_when_started(
      {"run", machine.string(), "--resources", bindings.string(), "--state-dir", state},
      dir.path() / "run", dir.path() / "slow.started-1", state, "Slow", 1);
  ProcessResult status = run_flowrun({"status", "last", "--json", "--state-dir", state});
  REQUIRE(parse(status)["status"] == "interrupted");
  std::string id = parse(status)["run_id"];

  SUBCASE("one redrive") {
    ProcessResult redriven = run_flowrun({"resume", id, "--json", "--state-dir", state});
    INFO(redriven.err);
    REQUIRE(redriven.exit_code == 0);
    json summary = parse(redriven);
    CHECK(summary["output"] == json{{"n", 1}, {"fetched", 5}, {"slow", 2}});
    CHECK(summary["redrive_count"] == 1);
    CHECK(step_list(summary) == std::vector<std::string>{"Begin=succeeded", "Fetch=succeeded",
                                                         "Shape=succeeded", "Slow=cancelled",
                                                         "Slow=succeeded", "Finish=succeeded"});
    // The Task before the kill keeps its log and exit code.
    CHECK(summary["steps"][1]["exit_code"] == 0);
    CHECK(summary["steps"][1]["log"].is_string());
    CHECK(summary["steps"][1]["attempts"] == 1);
    // summary.json and `status` say the same.
    json file = json::parse(read_text(fs::path(state) / "runs" / id / "summary.json"));
    CHECK(file["steps"] == summary["steps"]);
    CHECK(parse(run_flowrun({"status", id, "--json", "--state-dir", state}))["steps"] ==
          summary["steps"]);
  }
  SUBCASE("a redrive killed too, then another") {
    dir.write("hold-2", "");
    kill_when_started({"resume", id, "--state-dir", state}, dir.path() / "resume",
                      dir.path() / "slow.started-2", state, "Slow", 2);
    ProcessResult redriven = run_flowrun({"resume", id, "--json", "--state-dir", state});
    INFO(redriven.err);
    REQUIRE(redriven.exit_code == 0);
    json summary = parse(redriven);
    CHECK(summary["redrive_count"] == 2);
    CHECK(step_list(summary) == std::vector<std::string>{"Begin=succeeded", "Fetch=succeeded",
                                                         "Shape=succeeded", "Slow=cancelled",
                                                         "Slow=cancelled", "Slow=succeeded",
                                                         "Finish=succeeded"});
  }
  CHECK(count_lines(dir.path() / "fetch.count") == 1);
}

}  // namespace flowrun::test

namespace flowrun::test {

TEST_CASE("a redrive of a JSONata run gives back the variables its states assigned") {
  TempDir dir;
  std::string state = (dir.path() / "state").string();
  auto machine = dir.write("m.asl.json", R"({"QueryLanguage": "JSONata", "StartAt": "Remember",
  "States": {
    "Remember": {"Type": "Pass", "Assign": {"who": "{% $states.input.who %}"}, "Next": "Flaky"},
    "Flaky": {"Type": "Task", "Resource": "arn:flaky", "Assign": {"n": "{% $states.result %}"},
              "Next": "Done"},
    "Done": {"Type": "Pass", "Output": "{% $who & ' ' & $string($n) %}", "End": true}}})");
  // Flaky fails on its first call, then succeeds.
  auto bindings = dir.write("b.yaml",
                            "arn:flaky: 'echo x >> flaky.count; test $(wc -l < flaky.count) -gt 1 "
                            "&& echo 2 || exit 1'\n");
  ProcessResult failed =
      run_flowrun({"run", machine.string(), "--input", R"({"who": "Ada"})", "--resources",
                   bindings.string(), "--json", "--state-dir", state});
  REQUIRE(failed.exit_code == 1);
  std::string id = parse(failed)["run_id"];
  ProcessResult redriven = run_flowrun({"resume", id, "--json", "--state-dir", state});
  INFO(redriven.err);
  CHECK(redriven.exit_code == 0);
  CHECK(parse(redriven)["output"] == "Ada 2");
}

}  // namespace flowrun::test
