#include <doctest/doctest.h>

#include "engine/engine_fixture.hpp"

using namespace flowrun;
using namespace flowrun::test;

namespace {

// Counts its runs in the file `count` and reports the count as the output `n`.
Step counting(std::string until, int max, std::string extra = "") {
  Step step = run_step("poll",
                       "n=$(( $(cat count 2>/dev/null || echo 0) + 1 )); echo $n > count; "
                       "echo \"n=$n\" >> \"$FLOWRUN_OUTPUT\"; echo run $n" +
                           extra);
  Repeat repeat;
  repeat.until = std::move(until);
  repeat.max = max;
  step.edit_extra().repeat = repeat;
  return step;
}

}  // namespace

TEST_CASE("repeat runs the step again until its condition on its own outputs holds") {
  EngineFixture fx;
  fx.workflow.steps = {counting("steps.poll.outputs.n >= 3", 10),
                       run_step("after", "echo ${{ steps.poll.outputs.n }}", {"poll"})};
  RunState state = fx.run();
  CHECK(state.status == RunStatus::Succeeded);
  CHECK(fx.step("poll").status == StepStatus::Succeeded);
  CHECK(fx.step("poll").attempts == 3);
  CHECK(fx.log_of("poll", 1) == "run 1\n");
  CHECK(fx.log_of("poll", 3) == "run 3\n");
  CHECK(fx.log_of("after") == "3\n");
}

TEST_CASE("repeat can wait for an exit code, and hitting max fails the step with the cause") {
  EngineFixture fx;
  Step until_exit = counting("steps.poll.exit_code == 0", 5, "; test $n -ge 2");
  fx.workflow.steps = {until_exit};
  fx.run();
  CHECK(fx.step("poll").status == StepStatus::Succeeded);
  CHECK(fx.step("poll").attempts == 2);

  EngineFixture capped;
  capped.workflow.steps = {counting("steps.poll.outputs.n == 99", 2)};
  RunState state = capped.run();
  CHECK(state.status == RunStatus::Failed);
  CHECK(capped.step("poll").attempts == 2);
  CHECK(capped.details("poll")->cause ==
        "repeat: 'until' was still false after 2 iterations (max 2): steps.poll.outputs.n == 99");
}
