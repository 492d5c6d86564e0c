#include <doctest/doctest.h>

#include "engine/engine_fixture.hpp"
#include "support/local_server.hpp"

using namespace flowrun;
using namespace flowrun::test;
using nlohmann::json;

namespace {

Step wait_step(std::string id, json config, std::vector<std::string> needs = {}) {
  Step step = type_step(std::move(id), StepType::Wait, std::move(needs));
  step.edit_extra().type_config = std::move(config);
  return step;
}

}  // namespace

TEST_CASE("a wait for a duration or until a past instant ends with success") {
  EngineFixture fx;
  fx.workflow.steps = {wait_step("pause", {{"duration", 50}}),
                       wait_step("past", {{"until", "2020-01-01T00:00:00Z"}}),
                       run_step("after", "true", {"pause", "past"})};
  RunState state = fx.run();
  CHECK(state.status == RunStatus::Succeeded);
  CHECK(fx.step("pause").status == StepStatus::Succeeded);
  CHECK(fx.step("pause").ended_ms - fx.step("pause").started_ms >= 50);
  CHECK(fx.step("after").status == StepStatus::Succeeded);
}

TEST_CASE("a file sensor waits for the file another step writes, with min_size") {
  EngineFixture fx;
  fx.workflow.steps = {
      run_step("writer", "sleep 0.2; printf 'ab' > data.csv; sleep 0.1; printf 'cdef' >> data.csv"),
      wait_step("sensor", {{"for", {{"file", "data.csv"}, {"min_size", 5}}}, {"interval", 20}}),
      run_step("reader", "wc -c < data.csv", {"sensor"})};
  fx.run();
  CHECK(fx.step("sensor").status == StepStatus::Succeeded);
  CHECK(fx.log_of("reader") == "6\n");
}

TEST_CASE("a sensor that runs out of time is timed_out, or skipped with soft_fail") {
  EngineFixture fx;
  Step hard = wait_step("hard", {{"for", {{"file", "never.csv"}}}, {"interval", 20}});
  hard.edit_extra().timeout = Duration{100};
  Step soft =
      wait_step("soft", {{"for", {{"file", "never.csv"}}}, {"interval", 20}, {"soft_fail", true}});
  soft.edit_extra().timeout = Duration{100};
  Step after_soft = run_step("after_soft", "true", {"soft"});
  after_soft.trigger = TriggerRule::NoneFailed;
  fx.workflow.steps = {hard, soft, after_soft};
  RunState state = fx.run();
  CHECK(fx.step("hard").status == StepStatus::TimedOut);
  CHECK(fx.details("hard")->cause.find("wait: the file ") == 0);
  CHECK(fx.details("hard")->cause.find("never.csv was not ready within its timeout of 100ms") !=
        std::string::npos);
  CHECK(fx.step("soft").status == StepStatus::Skipped);
  CHECK(fx.details("soft")->cause.find("(soft_fail)") != std::string::npos);
  CHECK(fx.step("after_soft").status == StepStatus::Succeeded);
  CHECK(state.status == RunStatus::Failed);
}

TEST_CASE("a command sensor waits until its command exits 0, as a script or an argv") {
  EngineFixture fx;
  fx.workflow.steps = {
      run_step("writer", "sleep 0.2; touch ready.flag"),
      wait_step("script", {{"for", {{"command", "test -f ready.flag"}}}, {"interval", 20}}),
      wait_step("argv", {{"for", {{"command", json::array({"test", "-f", "ready.flag"})}}},
                         {"interval", 20}}),
      run_step("after", "echo go", {"script", "argv"})};
  RunState state = fx.run();
  CHECK(state.status == RunStatus::Succeeded);
  CHECK(fx.step("script").status == StepStatus::Succeeded);
  CHECK(fx.step("argv").status == StepStatus::Succeeded);
  CHECK(fx.log_of("after") == "go\n");
  // Each check is noted in the step's log: failed ones first, the last one exit code 0.
  std::string log = fx.log_of("script");
  CHECK(log.find("flowrun: check 1: exit code 1") != std::string::npos);
  CHECK(log.find(": exit code 0\n") != std::string::npos);
}

TEST_CASE("a command sensor that never succeeds times out with the number of checks") {
  EngineFixture fx;
  Step never =
      wait_step("never", {{"for", {{"command", "echo not yet; exit 3"}}}, {"interval", 20}});
  never.edit_extra().timeout = Duration{150};
  fx.workflow.steps = {never};
  fx.run();
  CHECK(fx.step("never").status == StepStatus::TimedOut);
  CHECK(fx.details("never")->cause.find("wait: the command did not exit 0 in ") == 0);
  CHECK(fx.log_of("never").find("not yet\nflowrun: check 1: exit code 3\n") == 0);
}

TEST_CASE("a hanging command check is killed with its group when the run times out") {
  EngineFixture fx;
  fx.workflow.timeout = Duration{200};
  fx.workflow.steps = {
      wait_step("hang", {{"for", {{"command", "sleep 30 & echo $! > child.pid; wait"}}}})};
  RunState state = fx.run();
  CHECK(state.status == RunStatus::TimedOut);
  CHECK(fx.step("hang").status == StepStatus::Cancelled);
  CHECK(state.ended_ms - state.started_ms < 5000);
  pid_t child = read_pid(fx.dir.path() / "child.pid");
  REQUIRE(child > 0);
  CHECK(wait_gone(child));  // the background sleep went with the check's process group
}

TEST_CASE("an http sensor waits for a 2xx answer from a real local server") {
  LocalServer server;
  EngineFixture fx;
  Step flaky = wait_step(
      "flaky",
      {{"for", {{"http", server.url("/retry-after?key=sensor&after=0")}}}, {"interval", 20}});
  Step down = wait_step("down", {{"for", {{"http", server.url("/status/503")}}}, {"interval", 20}});
  down.edit_extra().timeout = Duration{300};
  fx.workflow.steps = {flaky, down};
  fx.run();
  CHECK(fx.step("flaky").status == StepStatus::Succeeded);
  std::string log = fx.log_of("flaky");
  CHECK(log.find("flowrun: check 1: http: GET ") != std::string::npos);
  CHECK(log.find("answered 429") != std::string::npos);
  CHECK(log.find("flowrun: check 2: answered 200") != std::string::npos);
  CHECK(fx.step("down").status == StepStatus::TimedOut);
  CHECK(fx.details("down")->cause.find(server.url("/status/503") + " did not answer 2xx in ") !=
        std::string::npos);
}

TEST_CASE("a wait's until may be an expression: a param or an upstream output") {
  EngineFixture fx;
  fx.options.params = {{"start_at", "2020-01-01T00:00:00Z"}};
  fx.workflow.steps = {
      wait_step("from_param", {{"until", "${{ params.start_at }}"}}),
      run_step("plan", "echo 'at=2021-06-01T12:00:00Z' >> \"$FLOWRUN_OUTPUT\""),
      wait_step("from_output", {{"until", "${{ steps.plan.outputs.at }}"}}, {"plan"}),
      wait_step("empty", {{"until", "${{ params.missing }}"}})};
  fx.run();
  CHECK(fx.step("from_param").status == StepStatus::Succeeded);
  CHECK(fx.step("from_output").status == StepStatus::Succeeded);
  CHECK(fx.step("empty").status == StepStatus::Failed);
  CHECK(fx.details("empty")->cause.find("wait: 'until' must be an RFC 3339 timestamp") == 0);
}

TEST_CASE("a wait with a bad 'until' fails with a clear cause") {
  EngineFixture fx;
  fx.workflow.steps = {wait_step("bad", {{"until", "tomorrow"}})};
  fx.run();
  CHECK(fx.details("bad")->cause.find("wait: 'until' must be an RFC 3339 timestamp") == 0);
}
