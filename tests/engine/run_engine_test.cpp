#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/report/run_summary.hpp"
#include "engine/engine_fixture.hpp"

using namespace flowrun;
using namespace flowrun::test;

TEST_CASE("a step gets the parent, workflow and step env and the FLOWRUN_* variables") {
  EngineFixture fx;
  fx.options.environment.push_back("FROM_PARENT=parent");
  fx.options.environment.push_back("OVERRIDDEN=parent");
  fx.options.environment.push_back("FLOWRUN_STEP=spoofed");
  fx.workflow.name = "envy";
  fx.workflow.env = {{"FROM_WORKFLOW", "wf", {}}, {"OVERRIDDEN", "workflow", {}}};
  Step step = run_step("show", "env | grep -E '^(FROM_|OVERRIDDEN|FLOWRUN_|ONLY_STEP)' | sort");
  step.env = {{"ONLY_STEP", "step", {}}, {"OVERRIDDEN", "step", {}}};
  fx.workflow.steps.push_back(step);
  fx.run();
  REQUIRE(fx.step("show").status == StepStatus::Succeeded);
  std::string log = fx.log_of("show");
  CHECK(log.find("FROM_PARENT=parent\n") != std::string::npos);
  CHECK(log.find("FROM_WORKFLOW=wf\n") != std::string::npos);
  CHECK(log.find("ONLY_STEP=step\n") != std::string::npos);
  CHECK(log.find("OVERRIDDEN=step\n") != std::string::npos);
  CHECK(log.find("OVERRIDDEN=parent") == std::string::npos);
  CHECK(log.find("FLOWRUN_RUN_ID=" + fx.state.run_id + "\n") != std::string::npos);
  CHECK(log.find("FLOWRUN_WORKFLOW=envy\n") != std::string::npos);
  CHECK(log.find("FLOWRUN_STEP=show\n") != std::string::npos);
  CHECK(log.find("FLOWRUN_ATTEMPT=1\n") != std::string::npos);
  CHECK(log.find("FLOWRUN_OUTPUT=" + fx.state.run_dir + "/steps/show.attempt-1.output\n") !=
        std::string::npos);
  CHECK(log.find("spoofed") == std::string::npos);
}

TEST_CASE("steps run in the workflow's folder unless working_dir says otherwise") {
  EngineFixture fx;
  std::filesystem::create_directories(fx.dir.path() / "sub");
  fx.workflow.steps.push_back(run_step("here", "pwd"));
  Step there = run_step("there", "pwd");
  there.edit_extra().working_dir = "sub";
  fx.workflow.steps.push_back(there);
  Step absolute = run_step("absolute", "pwd");
  absolute.edit_extra().working_dir = "/";
  fx.workflow.steps.push_back(absolute);
  fx.run();
  std::string root = std::filesystem::canonical(fx.dir.path()).string();
  CHECK(fx.log_of("here") == root + "\n");
  CHECK(fx.log_of("there") == root + "/sub\n");
  CHECK(fx.log_of("absolute") == "/\n");
}

TEST_CASE("a log holds stdout and stderr interleaved, private to the user") {
  EngineFixture fx;
  fx.workflow.steps.push_back(run_step("talk", "echo one; echo two >&2; echo three"));
  fx.run();
  CHECK(fx.log_of("talk") == "one\ntwo\nthree\n");
  std::string log = fx.state.run_dir + "/steps/talk.attempt-1.log";
  CHECK(mode_of(log) == 0600);
  CHECK(mode_of(fx.state.run_dir) == 0700);
  CHECK(mode_of(fx.state.run_dir + "/steps") == 0700);
  CHECK(mode_of(fx.state.run_dir + "/summary.json") == 0600);
  CHECK(mode_of((fx.dir.path() / "state/runs").string()) == 0700);
}

TEST_CASE("continue_on_error: shown failed, but the run and its dependents see a success") {
  EngineFixture fx;
  Step lenient = run_step("lenient", "exit 3");
  lenient.continue_on_error = true;
  fx.workflow.steps.push_back(lenient);
  fx.workflow.steps.push_back(run_step("after", "true", {"lenient"}));
  fx.run();
  CHECK(fx.step("lenient").status == StepStatus::Failed);
  CHECK(fx.step("lenient").exit_code == 3);
  CHECK(fx.step("after").status == StepStatus::Succeeded);
  CHECK(fx.state.status == RunStatus::Succeeded);
}

TEST_CASE("the run fails when a step failed or was upstream_failed, not when one was skipped") {
  SUBCASE("skipped only") {
    EngineFixture fx;
    fx.workflow.steps.push_back(run_step("ok", "true"));
    Step on_failure = run_step("on_failure", "true", {"ok"});
    on_failure.trigger = TriggerRule::OneFailed;
    fx.workflow.steps.push_back(on_failure);
    fx.run();
    CHECK(fx.step("on_failure").status == StepStatus::Skipped);
    CHECK(fx.state.status == RunStatus::Succeeded);
  }
  SUBCASE("a failure caught by a handler step still fails the run") {
    EngineFixture fx;
    fx.workflow.steps.push_back(run_step("bad", "exit 1"));
    Step handler = run_step("handler", "true", {"bad"});
    handler.trigger = TriggerRule::OneFailed;
    fx.workflow.steps.push_back(handler);
    fx.run();
    CHECK(fx.step("handler").status == StepStatus::Succeeded);
    CHECK(fx.state.status == RunStatus::Failed);
    CHECK(fx.state.error == "StepFailed");
  }
}

TEST_CASE("built-in types run without a process; an approval without a history fails clearly") {
  EngineFixture fx;
  fx.workflow.steps.push_back(type_step("nothing", StepType::Noop));
  fx.workflow.steps.push_back(type_step("pass", StepType::Pass, {"nothing"}));
  fx.workflow.steps.push_back(type_step("fail", StepType::Fail));
  fx.workflow.steps.push_back(type_step("approval", StepType::Approval));
  fx.run();
  CHECK(fx.step("nothing").status == StepStatus::Succeeded);
  CHECK(fx.step("pass").status == StepStatus::Succeeded);
  CHECK(fx.step("fail").status == StepStatus::Failed);
  CHECK(fx.step("approval").status == StepStatus::Failed);
  REQUIRE(fx.details("approval"));
  CHECK(fx.details("approval")->cause ==
        "approval: no one can answer a run that keeps no history (--no-history)");
  CHECK_FALSE(fx.step("nothing").has_log);
}

TEST_CASE("cmd runs without a shell; a missing program fails the step with 127") {
  EngineFixture fx;
  Step literal = run_step("literal", "");
  literal.action.kind = ActionKind::Cmd;
  literal.action.argv = {"echo", "$HOME", "a;b"};
  fx.workflow.steps.push_back(literal);
  Step missing = run_step("missing", "");
  missing.action.kind = ActionKind::Cmd;
  missing.action.argv = {"no-such-program-flowrun"};
  fx.workflow.steps.push_back(missing);
  fx.run();
  CHECK(fx.log_of("literal") == "$HOME a;b\n");
  CHECK(fx.step("missing").status == StepStatus::Failed);
  CHECK(fx.step("missing").exit_code == 127);
  CHECK(fx.log_of("missing").find("no-such-program-flowrun") != std::string::npos);
}

TEST_CASE("a step killed by a signal records 128+N and the signal's name") {
  EngineFixture fx;
  fx.workflow.steps.push_back(run_step("killed", "kill -KILL $$"));
  fx.run();
  CHECK(fx.step("killed").exit_code == 137);
  CHECK(fx.step("killed").signal == SIGKILL);
  std::string summary = render_run_summary(fx.workflow, fx.state);
  CHECK(nlohmann::json::parse(summary)["steps"][0]["signal"] == "SIGKILL");
}

TEST_CASE("key=value lines and heredoc blocks in $FLOWRUN_OUTPUT become the step's outputs") {
  EngineFixture fx;
  fx.workflow.steps.push_back(run_step(
      "out", "echo a=1 >> $FLOWRUN_OUTPUT; printf 'b<<EOF\\nx\\ny\\nEOF\\n' >> $FLOWRUN_OUTPUT"));
  fx.run();
  REQUIRE(fx.details("out"));
  StepOutputs expected{{"a", "1"}, {"b", "x\ny"}};
  CHECK(fx.details("out")->outputs == expected);
}

TEST_CASE("-j limits how many steps run at once") {
  EngineFixture fx;
  fx.options.jobs = 1;
  std::string marks = (fx.dir.path() / "marks").string();
  for (int i = 0; i < 4; ++i) {
    fx.workflow.steps.push_back(run_step(
        "s" + std::to_string(i), "echo start >> " + marks + "; sleep 0.05; echo end >> " + marks));
  }
  fx.run();
  CHECK(read_text(marks) == "start\nend\nstart\nend\nstart\nend\nstart\nend\n");
}

TEST_CASE("summary.json has the shape of DESIGN.md and matches the returned state") {
  EngineFixture fx;
  fx.options.params = {{"day", "monday"}};
  fx.workflow.steps.push_back(run_step("a", "echo hi"));
  fx.workflow.steps.push_back(run_step("b", "exit 2", {"a"}));
  fx.run();
  nlohmann::json summary = nlohmann::json::parse(read_text(fx.state.run_dir + "/summary.json"));
  for (const char* key : {"run_id", "workflow", "file", "status", "started_at", "ended_at",
                          "duration_ms", "params", "output", "error", "cause", "steps"}) {
    CHECK_MESSAGE(summary.contains(key), key);
  }
  CHECK(summary["run_id"] == fx.state.run_id);
  CHECK(summary["status"] == "failed");
  CHECK(summary["params"]["day"] == "monday");
  CHECK(summary["file"] == fx.workflow.file);
  std::string started = summary["started_at"];
  CHECK(started.size() == 24);
  CHECK(started.back() == 'Z');
  REQUIRE(summary["steps"].size() == 2);
  const auto& a = summary["steps"][0];
  for (const char* key : {"id", "status", "attempts", "exit_code", "started_at", "ended_at",
                          "duration_ms", "outputs", "log"}) {
    CHECK_MESSAGE(a.contains(key), key);
  }
  CHECK(a["id"] == "a");
  CHECK(a["status"] == "succeeded");
  CHECK(a["attempts"] == 1);
  CHECK(a["exit_code"] == 0);
  CHECK(read_text(a["log"].get<std::string>()) == "hi\n");
  CHECK(summary["steps"][1]["exit_code"] == 2);
  CHECK(nlohmann::json::parse(render_run_summary(fx.workflow, fx.state)) == summary);
}

namespace {
struct RecordingObserver : RunObserver {
  std::string output;
  void step_output(const RunState&, std::size_t, std::string_view bytes) override {
    output += bytes;
  }
};
}  // namespace

TEST_CASE("with stream on, output reaches the observer and the log") {
  EngineFixture fx;
  RecordingObserver recording;
  fx.observer = &recording;
  fx.options.stream = true;
  fx.workflow.steps.push_back(run_step("talk", "echo one; echo two >&2"));
  fx.run();
  CHECK(recording.output == "one\ntwo\n");
  CHECK(fx.log_of("talk") == "one\ntwo\n");
}

TEST_CASE("a long chain finishes, and an early failure cascades through it") {
  EngineFixture fx;
  fx.workflow.steps.push_back(run_step("s0", "exit 1"));
  for (int i = 1; i < 3000; ++i) {
    fx.workflow.steps.push_back(
        type_step("s" + std::to_string(i), StepType::Noop, {"s" + std::to_string(i - 1)}));
  }
  fx.run();
  CHECK(fx.step("s2999").status == StepStatus::UpstreamFailed);
}

namespace {
std::vector<std::string> files_in(const std::string& folder) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}
}  // namespace

// Logs are opened ahead of their attempts (the next step of a chain while its need runs, the
// head of the ready queue); an attempt that never starts must leave no log behind.
TEST_CASE("only attempts that started have a log, whatever was opened ahead") {
  SUBCASE("a chain broken by a failure") {
    EngineFixture fx;
    fx.options.jobs = 1;
    fx.workflow.steps.push_back(run_step("first", "echo first"));
    fx.workflow.steps.push_back(run_step("breaks", "sleep 0.05; exit 4", {"first"}));
    fx.workflow.steps.push_back(run_step("never", "echo never", {"breaks"}));
    fx.workflow.steps.push_back(run_step("never_either", "echo no", {"never"}));
    fx.run();
    CHECK(fx.step("never").status == StepStatus::UpstreamFailed);
    std::vector<std::string> expected = {"breaks.attempt-1.log", "first.attempt-1.log"};
    CHECK(files_in(fx.state.run_dir + "/steps") == expected);
    CHECK(fx.log_of("first") == "first\n");
    CHECK(fx.log_of("breaks").empty());
  }
  SUBCASE("retries and what waits for them") {
    EngineFixture fx;
    fx.options.jobs = 1;
    Step retried = run_step("retried", "sleep 0.05; exit 5");
    retried.edit_extra().retry = RetryPolicy{};
    retried.edit_extra().retry->attempts = 2;
    fx.workflow.steps.push_back(retried);
    fx.workflow.steps.push_back(run_step("after", "echo after", {"retried"}));
    fx.run();
    CHECK(fx.step("retried").attempts == 2);
    CHECK(fx.step("after").status == StepStatus::UpstreamFailed);
    std::vector<std::string> expected = {"retried.attempt-1.log", "retried.attempt-2.log"};
    CHECK(files_in(fx.state.run_dir + "/steps") == expected);
  }
}
