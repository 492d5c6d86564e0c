#include <doctest/doctest.h>

#include "core/engine/retry_policy.hpp"
#include "engine/engine_fixture.hpp"

using namespace flowrun;
using namespace flowrun::test;

namespace {

// A script that counts its runs in `counter` and fails until the `succeed_on`-th run.
std::string counting_script(const std::string& counter, int succeed_on, int exit_code = 1) {
  return "n=$(cat " + counter + " 2>/dev/null || echo 0); n=$((n+1)); echo $n > " + counter +
         "; [ $n -ge " + std::to_string(succeed_on) + " ] || exit " + std::to_string(exit_code);
}

}  // namespace

TEST_CASE("a failing step is retried until it succeeds, each attempt with its own log") {
  EngineFixture fx;
  std::string counter = (fx.dir.path() / "count").string();
  Step step = run_step("flaky", counting_script(counter, 3) + "; echo done");
  step.edit_extra().retry = RetryPolicy{};
  step.edit_extra().retry->attempts = 5;
  fx.workflow.steps.push_back(step);
  fx.run();
  CHECK(read_text(counter) == "3\n");
  CHECK(fx.step("flaky").status == StepStatus::Succeeded);
  CHECK(fx.step("flaky").attempts == 3);
  CHECK(fx.state.status == RunStatus::Succeeded);
  CHECK(fx.log_of("flaky", 3) == "done\n");
  CHECK(std::filesystem::exists(fx.state.run_dir + "/steps/flaky.attempt-1.log"));
}

TEST_CASE("retries stop after the last attempt and the step fails with its exit code") {
  EngineFixture fx;
  std::string counter = (fx.dir.path() / "count").string();
  Step step = run_step("bad", counting_script(counter, 100, 4));
  step.edit_extra().retry = RetryPolicy{};
  step.edit_extra().retry->attempts = 3;
  fx.workflow.steps.push_back(step);
  fx.run();
  CHECK(read_text(counter) == "3\n");
  CHECK(fx.step("bad").status == StepStatus::Failed);
  CHECK(fx.step("bad").exit_code == 4);
  CHECK(fx.state.status == RunStatus::Failed);
}

TEST_CASE("on_exit_codes retries only those exit codes") {
  EngineFixture fx;
  std::string counter = (fx.dir.path() / "count").string();
  Step step = run_step("bad", counting_script(counter, 100, 2));
  step.edit_extra().retry = RetryPolicy{};
  step.edit_extra().retry->attempts = 3;
  step.edit_extra().retry->on_exit_codes = {75};
  fx.workflow.steps.push_back(step);
  fx.run();
  CHECK(read_text(counter) == "1\n");
  CHECK(fx.step("bad").attempts == 1);
}

TEST_CASE("the workflow's defaults.retry applies to steps without their own") {
  EngineFixture fx;
  std::string counter = (fx.dir.path() / "count").string();
  fx.workflow.defaults.retry = RetryPolicy{};
  fx.workflow.defaults.retry->attempts = 2;
  fx.workflow.steps.push_back(run_step("flaky", counting_script(counter, 2)));
  fx.run();
  CHECK(fx.step("flaky").status == StepStatus::Succeeded);
  CHECK(fx.step("flaky").attempts == 2);
}

TEST_CASE("retry delays grow by the backoff factor (lower bounds only)") {
  EngineFixture fx;
  std::string counter = (fx.dir.path() / "count").string();
  Step step = run_step("flaky", counting_script(counter, 3));
  step.edit_extra().retry = RetryPolicy{};
  step.edit_extra().retry->attempts = 3;
  step.edit_extra().retry->delay = Duration{150};
  step.edit_extra().retry->backoff = 2;
  fx.workflow.steps.push_back(step);
  auto started = std::chrono::steady_clock::now();
  fx.run();
  auto elapsed = std::chrono::steady_clock::now() - started;
  CHECK(fx.step("flaky").attempts == 3);
  CHECK(elapsed >= std::chrono::milliseconds(150 + 300));
}

TEST_CASE("retry_delay_ms applies backoff, max_delay and jitter bounds") {
  std::mt19937_64 rng(42);
  RetryPolicy policy;
  policy.delay = Duration{1000};
  policy.backoff = 3;
  CHECK(retry_delay_ms(policy, 1, rng) == 1000);
  CHECK(retry_delay_ms(policy, 3, rng) == 9000);
  policy.max_delay = Duration{5000};
  CHECK(retry_delay_ms(policy, 3, rng) == 5000);
  policy.jitter = 0.5;
  for (int i = 0; i < 100; ++i) {
    std::int64_t delay = retry_delay_ms(policy, 1, rng);
    CHECK(delay >= 500);
    CHECK(delay <= 1500);
  }
  CHECK(should_retry(policy, 1, 3) == false);  // attempts defaults to 1
}

TEST_CASE("a timeout stops the whole process tree of the attempt, grandchildren included") {
  EngineFixture fx;
  std::string pid_file = (fx.dir.path() / "pid").string();
  Step step = run_step("slow", "sleep 100 & echo $! > " + pid_file + "; wait");
  step.edit_extra().timeout = Duration{300};
  step.edit_extra().kill_grace = Duration{200};
  fx.workflow.steps.push_back(step);
  fx.workflow.steps.push_back(run_step("after", "true", {"slow"}));
  auto started = std::chrono::steady_clock::now();
  fx.run();
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(20));
  CHECK(fx.step("slow").status == StepStatus::TimedOut);
  CHECK(fx.step("slow").exit_code >= 128);
  CHECK(fx.step("after").status == StepStatus::UpstreamFailed);
  CHECK(fx.state.status == RunStatus::Failed);
  pid_t grandchild = read_pid(pid_file);
  REQUIRE(grandchild > 0);
  CHECK(wait_gone(grandchild));
}

TEST_CASE("a process that ignores SIGTERM is killed after the grace period") {
  EngineFixture fx;
  Step step = run_step("stubborn", "trap '' TERM; sleep 100");
  step.edit_extra().timeout = Duration{200};
  step.edit_extra().kill_grace = Duration{200};
  fx.workflow.steps.push_back(step);
  fx.run();
  CHECK(fx.step("stubborn").status == StepStatus::TimedOut);
  CHECK(fx.step("stubborn").signal == SIGKILL);
  CHECK(fx.step("stubborn").exit_code == 128 + SIGKILL);
}

TEST_CASE("timed out attempts are retried") {
  EngineFixture fx;
  std::string counter = (fx.dir.path() / "count").string();
  Step step = run_step("slow_then_fast", counting_script(counter, 2) + " || sleep 100");
  step.edit_extra().timeout = Duration{300};
  step.edit_extra().retry = RetryPolicy{};
  step.edit_extra().retry->attempts = 2;
  fx.workflow.steps.push_back(step);
  fx.run();
  CHECK(fx.step("slow_then_fast").status == StepStatus::Succeeded);
  CHECK(fx.step("slow_then_fast").attempts == 2);
}

TEST_CASE("background children left by a finished step do not survive it") {
  EngineFixture fx;
  std::string pid_file = (fx.dir.path() / "pid").string();
  fx.workflow.steps.push_back(run_step("leaky", "sleep 100 & echo $! > " + pid_file));
  fx.run();
  CHECK(fx.step("leaky").status == StepStatus::Succeeded);
  pid_t grandchild = read_pid(pid_file);
  REQUIRE(grandchild > 0);
  CHECK(wait_gone(grandchild));
}

TEST_CASE("the workflow timeout stops everything, runs always steps, and the run is timed_out") {
  EngineFixture fx;
  std::string pid_file = (fx.dir.path() / "pid").string();
  std::string cleanup = (fx.dir.path() / "cleaned").string();
  fx.workflow.timeout = Duration{300};
  fx.workflow.steps.push_back(run_step("long", "sleep 100 & echo $! > " + pid_file + "; wait"));
  fx.workflow.steps.push_back(run_step("next", "true", {"long"}));
  Step always = run_step("cleanup", "touch " + cleanup, {"long"});
  always.trigger = TriggerRule::Always;
  fx.workflow.steps.push_back(always);
  Step done = run_step("all_done", "true", {"long"});
  done.trigger = TriggerRule::AllDone;
  fx.workflow.steps.push_back(done);
  fx.run();
  CHECK(fx.state.status == RunStatus::TimedOut);
  CHECK(fx.step("long").status == StepStatus::Cancelled);
  CHECK(fx.step("next").status != StepStatus::Succeeded);
  CHECK(fx.step("all_done").status == StepStatus::Cancelled);
  CHECK(fx.step("cleanup").status == StepStatus::Succeeded);
  CHECK(std::filesystem::exists(cleanup));
  CHECK(wait_gone(read_pid(pid_file)));
}

TEST_CASE("SIGINT cancels the run: running steps stopped, always steps run, run cancelled") {
  EngineFixture fx;
  std::string pid_file = (fx.dir.path() / "pid").string();
  std::string cleanup = (fx.dir.path() / "cleaned").string();
  fx.workflow.steps.push_back(run_step(
      "interrupter",
      "sleep 100 & echo $! > " + pid_file + "; kill -INT " + std::to_string(getpid()) + "; wait"));
  fx.workflow.steps.push_back(run_step("never", "true", {"interrupter"}));
  Step always = run_step("cleanup", "touch " + cleanup, {"interrupter"});
  always.trigger = TriggerRule::Always;
  fx.workflow.steps.push_back(always);
  fx.run();
  CHECK(fx.state.status == RunStatus::Cancelled);
  CHECK(fx.state.stop_signal == SIGINT);
  CHECK(fx.step("interrupter").status == StepStatus::Cancelled);
  CHECK(fx.step("never").status == StepStatus::Cancelled);
  CHECK(fx.step("cleanup").status == StepStatus::Succeeded);
  CHECK(wait_gone(read_pid(pid_file)));
}
