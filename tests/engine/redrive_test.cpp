#include "core/engine/redrive.hpp"

#include <doctest/doctest.h>

#include "engine/engine_fixture.hpp"

using namespace flowrun;
using namespace flowrun::test;

namespace {

StepStatus status_of(const RunState& state, std::size_t step) { return state.steps[step].status; }

}  // namespace

TEST_CASE("a redrive keeps succeeded and skipped steps and resets the others") {
  Workflow workflow;
  workflow.steps = {run_step("a", "true"), run_step("b", "true", {"a"}),
                    run_step("c", "true", {"b"}), run_step("d", "true")};
  RunState state;
  state.steps.resize(4);
  state.steps[0].status = StepStatus::Succeeded;
  state.steps[0].attempts = 1;
  state.details_of(0).outputs = {{"x", "1"}};
  state.steps[1].status = StepStatus::Failed;
  state.steps[1].attempts = 3;
  state.details_of(1).cause = "exit 1";
  state.steps[2].status = StepStatus::UpstreamFailed;
  state.steps[3].status = StepStatus::Skipped;
  state.status = RunStatus::Failed;
  state.error = "StepFailed";

  CHECK(prepare_redrive(workflow, state) == 2);
  CHECK(status_of(state, 0) == StepStatus::Succeeded);
  REQUIRE(state.find_details(0));
  CHECK(state.find_details(0)->outputs.size() == 1);
  CHECK(status_of(state, 1) == StepStatus::Pending);
  CHECK(state.steps[1].attempts == 3);
  CHECK(state.steps[1].attempts_before == 3);
  CHECK(state.find_details(1) == nullptr);
  CHECK(status_of(state, 2) == StepStatus::Pending);
  CHECK(status_of(state, 3) == StepStatus::Skipped);
  CHECK(state.status == RunStatus::Running);
  CHECK_FALSE(state.error);
}

TEST_CASE("a redrive from a step also resets everything downstream of it") {
  Workflow workflow;
  workflow.steps = {run_step("a", "true"), run_step("b", "true", {"a"}),
                    run_step("c", "true", {"b"}), run_step("d", "true", {"a"})};
  RunState state;
  state.steps.resize(4);
  for (auto& record : state.steps) record.status = StepStatus::Succeeded;
  CHECK(prepare_redrive(workflow, state, 1) == 2);
  CHECK(status_of(state, 0) == StepStatus::Succeeded);
  CHECK(status_of(state, 1) == StepStatus::Pending);
  CHECK(status_of(state, 2) == StepStatus::Pending);
  CHECK(status_of(state, 3) == StepStatus::Succeeded);
}

TEST_CASE("resume_workflow runs only the reset steps, with fresh retry counters") {
  EngineFixture fx;
  std::string counter = (fx.dir.path() / "count").string();
  Step flaky = run_step("flaky",
                        "n=$(cat " + counter + " 2>/dev/null || echo 0); n=$((n+1)); echo $n > " +
                            counter + "; [ $n -ge 4 ]",
                        {"first"});
  RetryPolicy retry;
  retry.attempts = 2;
  flaky.edit_extra().retry = retry;
  fx.workflow.steps = {run_step("first", "echo ran >> " + (fx.dir.path() / "first").string() +
                                             "; echo k=v >> $FLOWRUN_OUTPUT"),
                       flaky};
  RunFolder folder = RunFolder::create((fx.dir.path() / "state").string());
  NullRecorder recorder;
  RunObserver observer;
  RunState first = run_workflow(fx.workflow, fx.options, folder, recorder, observer);
  REQUIRE(first.status == RunStatus::Failed);
  CHECK(first.steps[1].attempts == 2);

  prepare_redrive(fx.workflow, first);
  RunState second =
      resume_workflow(fx.workflow, fx.options, folder, std::move(first), recorder, observer);
  CHECK(second.status == RunStatus::Succeeded);
  CHECK(second.steps[1].attempts == 4);  // attempts 3 and 4: the retry policy started again
  CHECK(read_text(fx.dir.path() / "first") == "ran\n");
  REQUIRE(second.find_details(0));
  CHECK(second.find_details(0)->outputs.at(0).second == "v");
  CHECK(read_text(second.run_dir + "/steps/flaky.attempt-4.log").empty());
}
