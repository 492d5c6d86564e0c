#include "core/engine/handlers.hpp"

#include <doctest/doctest.h>

#include "core/report/run_summary.hpp"
#include "engine/engine_fixture.hpp"

using namespace flowrun;
using namespace flowrun::test;

namespace {

// Every handler appends its id and what it sees to `trace` in the run's folder.
Step handler(std::string id, std::vector<std::string> needs = {}) {
  return run_step(id,
                  "echo \"" + id +
                      " $FLOWRUN_RUN_STATUS ${{ run.status }} ${{ join(run.failed_steps, ',') }}\" "
                      ">> trace",
                  std::move(needs));
}

std::string trace_of(const EngineFixture& fx) { return read_text(fx.dir.path() / "trace"); }

}  // namespace

TEST_CASE("on_success and on_exit run after a successful graph, on_failure does not") {
  EngineFixture fx;
  fx.workflow.steps = {run_step("work", "true")};
  fx.workflow.on_success = {handler("celebrate")};
  fx.workflow.on_failure = {handler("alert")};
  fx.workflow.on_exit = {handler("cleanup")};
  append_handlers(fx.workflow);
  RunState state = fx.run();
  CHECK(state.status == RunStatus::Succeeded);
  CHECK(trace_of(fx) == "celebrate succeeded succeeded \ncleanup succeeded succeeded \n");
  CHECK(fx.step("alert").status == StepStatus::Skipped);
  CHECK(fx.details("alert")->cause == "the run succeeded");
  auto summary = nlohmann::json::parse(render_run_summary(fx.workflow, state));
  CHECK(summary["steps"][1]["id"] == "celebrate");
  CHECK(summary["steps"][1]["handler"] == "on_success");
}

TEST_CASE("on_failure sees the failed steps; a failing handler leaves the run's status alone") {
  EngineFixture fx;
  fx.workflow.steps = {run_step("a", "exit 3"), run_step("b", "true"),
                       run_step("c", "true", {"a"})};
  Step broken = run_step("broken", "exit 7");
  fx.workflow.on_failure = {handler("alert"), broken, handler("after_alert", {"alert"})};
  fx.workflow.on_exit = {handler("cleanup")};
  append_handlers(fx.workflow);
  RunState state = fx.run();
  CHECK(state.status == RunStatus::Failed);
  CHECK(*state.cause == "step 'a' ended failed (exit code 3)");
  std::string trace = trace_of(fx);
  CHECK(trace.find("alert failed failed a\n") != std::string::npos);
  CHECK(trace.find("after_alert failed failed a\n") != std::string::npos);
  CHECK(trace.substr(trace.rfind("cleanup")) == "cleanup failed failed a\n");  // last
  CHECK(fx.step("broken").status == StepStatus::Failed);
  CHECK(fx.step("broken").exit_code == 7);
}

TEST_CASE("on_cancel runs when the run times out, and the run stays timed_out") {
  EngineFixture fx;
  fx.workflow.timeout = Duration{200};
  fx.workflow.steps = {run_step("slow", "sleep 5")};
  fx.workflow.on_cancel = {handler("stopped")};
  fx.workflow.on_exit = {handler("cleanup")};
  append_handlers(fx.workflow);
  RunState state = fx.run();
  CHECK(state.status == RunStatus::TimedOut);
  CHECK(trace_of(fx) == "stopped timed_out timed_out \ncleanup timed_out timed_out \n");
}

TEST_CASE("late_after records lateness and starts on_late once; the run goes on") {
  EngineFixture fx;
  fx.workflow.late_after = Duration{100};
  Step slow = run_step("slow", "sleep 0.4");
  slow.edit_extra().late_after = Duration{50};
  Step quick = run_step("quick", "true");
  quick.edit_extra().late_after = Duration{60000};
  fx.workflow.steps = {slow, quick};
  fx.workflow.on_late = {handler("page")};
  fx.workflow.on_success = {handler("done")};
  append_handlers(fx.workflow);
  RunState state = fx.run();
  CHECK(state.status == RunStatus::Succeeded);
  CHECK(fx.step("slow").status == StepStatus::Succeeded);
  std::string trace = trace_of(fx);
  CHECK(trace.find("page running running \n") == 0);  // once, while the run went on
  CHECK(trace.find("page", 1) == std::string::npos);
  CHECK(trace.find("done succeeded succeeded \n") != std::string::npos);
  CHECK(fx.step("page").status == StepStatus::Succeeded);

  EngineFixture punctual;
  punctual.workflow.late_after = Duration{60000};
  punctual.workflow.steps = {run_step("quick", "true")};
  punctual.workflow.on_late = {handler("page")};
  append_handlers(punctual.workflow);
  punctual.run();
  CHECK(punctual.step("page").status == StepStatus::Skipped);
  CHECK(punctual.details("page")->cause == "the run was not late");
}
