#include <doctest/doctest.h>

#include "engine/engine_fixture.hpp"

using namespace flowrun;
using namespace flowrun::test;
using nlohmann::json;

namespace {

Step wait_step(std::string id, json config, std::vector<std::string> needs = {}) {
  Step step = type_step(std::move(id), StepType::Wait, std::move(needs));
  step.type_config = std::move(config);
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
  hard.timeout = Duration{100};
  Step soft =
      wait_step("soft", {{"for", {{"file", "never.csv"}}}, {"interval", 20}, {"soft_fail", true}});
  soft.timeout = Duration{100};
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

TEST_CASE("a wait this build cannot do fails with a clear cause") {
  EngineFixture fx;
  fx.workflow.steps = {wait_step("cmd", {{"for", {{"command", "true"}}}}),
                       wait_step("bad", {{"until", "tomorrow"}})};
  fx.run();
  CHECK(fx.details("cmd")->cause == "wait: 'for.command' is not supported yet by this build");
  CHECK(fx.details("bad")->cause.find("wait: 'until' must be an RFC 3339 timestamp") == 0);
}
