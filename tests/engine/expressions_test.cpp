#include <doctest/doctest.h>

#include <filesystem>

#include "engine/engine_fixture.hpp"

using namespace flowrun;
using namespace flowrun::test;

namespace {

// Values that would run `touch` if they were ever parsed as shell code.
std::vector<std::string> hostile_values(const std::string& canary) {
  return {"; touch " + canary,
          "$(touch " + canary + ")",
          "`touch " + canary + "`",
          "' ; touch " + canary + " ; '",
          "\" ; touch " + canary + " ; \"",
          "a\ntouch " + canary,
          "*",
          "-n",
          "$'\\x41' ${HOME} \\",
          "EOF\ntouch " + canary + "\nEOF"};
}

}  // namespace

TEST_CASE("a step reads an upstream step's output through ${{ steps.<id>.outputs.<key> }}") {
  EngineFixture fx;
  fx.workflow.steps.push_back(
      run_step("extract", "echo \"path=/data/orders.csv\" >> \"$FLOWRUN_OUTPUT\""));
  fx.workflow.steps.push_back(run_step(
      "load",
      "echo \"loading ${{ steps.extract.outputs.path }} after ${{ steps.extract.status }}\"",
      {"extract"}));
  fx.run();
  REQUIRE(fx.step("load").status == StepStatus::Succeeded);
  CHECK(fx.log_of("load") == "loading /data/orders.csv after succeeded\n");
}

TEST_CASE("hostile params and outputs never run as code, in any quoting of the script") {
  EngineFixture fx;
  std::string canary = (fx.dir.path() / "canary").string();
  std::vector<std::string> values = hostile_values(canary);
  nlohmann::json list = values;
  fx.options.params = {{"values", list}};
  std::string writer = "cat >> \"$FLOWRUN_OUTPUT\" <<'END'\n";
  for (std::size_t i = 0; i < values.size(); ++i) {
    writer += "v" + std::to_string(i) + "<<DELIM\n" + values[i] + "\nDELIM\n";
  }
  writer += "END\n";
  fx.workflow.steps.push_back(run_step("writer", writer));
  for (std::size_t i = 0; i < values.size(); ++i) {
    std::string p = "${{ params.values[" + std::to_string(i) + "] }}";
    std::string o = "${{ steps.writer.outputs.v" + std::to_string(i) + " }}";
    std::string script = "printf '%s|' " + p + " \"" + p + "\" '" + p + "' " + o + "\n" +
                         "echo '[' \"x${{ format('{0}', steps.writer.outputs.v" +
                         std::to_string(i) + ") }}y\" ']'\n" + "cat <<EOF\n" + p + "\nEOF\n" +
                         "eval echo done # ${{ params.values[0] }}\n";
    Step step = run_step("s" + std::to_string(i), script, {"writer"});
    fx.workflow.steps.push_back(step);
    Step cmd;
    cmd.id = "c" + std::to_string(i);
    cmd.needs = needs_of({"writer"});
    cmd.action.kind = ActionKind::Cmd;
    cmd.action.argv = {"printf", "%s", o};
    cmd.env = {{"VALUE", p, {}}};
    fx.workflow.steps.push_back(cmd);
  }
  fx.run();
  CHECK_FALSE(std::filesystem::exists(canary));
  for (std::size_t i = 0; i < values.size(); ++i) {
    CAPTURE(values[i]);
    std::string id = std::to_string(i);
    REQUIRE(fx.step("s" + id).status == StepStatus::Succeeded);
    const std::string& v = values[i];
    CHECK(fx.log_of("s" + id) ==
          v + "|" + v + "|" + v + "|" + v + "|[ x" + v + "y ]\n" + v + "\ndone\n");
    CHECK(fx.log_of("c" + id) == v);
  }
}

TEST_CASE("cmd items, env values and working_dir are rendered without a shell") {
  EngineFixture fx;
  std::filesystem::create_directories(fx.dir.path() / "day-2026-11-24");
  fx.options.params = {{"day", "2026-11-24"}, {"retries", 3}};
  fx.workflow.env = {{"DAY", "${{ params.day }}", {}}};
  Step step;
  step.id = "show";
  step.action.kind = ActionKind::Cmd;
  step.action.argv = {"sh", "-c", "echo \"$0 $1 $DAY $TRIES $(pwd)\"", "${{ params.day }}",
                      "${{ params.retries > 1 }}"};
  step.env = {{"TRIES", "${{ params.retries }} of ${{ env.DAY }}", {}}};
  step.edit_extra().working_dir = "day-${{ env.DAY }}";
  fx.workflow.steps.push_back(step);
  fx.run();
  REQUIRE(fx.step("show").status == StepStatus::Succeeded);
  std::string dir = std::filesystem::canonical(fx.dir.path() / "day-2026-11-24").string();
  CHECK(fx.log_of("show") == "2026-11-24 true 2026-11-24 3 of 2026-11-24 " + dir + "\n");
}

TEST_CASE("if: false skips the step, and the skip propagates like an Airflow skip") {
  EngineFixture fx;
  fx.options.params = {{"mode", "full"}};
  Step gate = run_step("gate", "echo gate");
  gate.edit_extra().condition = "params.mode == 'FAST'";
  fx.workflow.steps.push_back(gate);
  fx.workflow.steps.push_back(run_step("after", "echo after", {"gate"}));
  Step join = run_step("join", "echo join", {"after"});
  join.trigger = TriggerRule::NoneFailed;
  join.edit_extra().trigger_pos = {1, 1};
  fx.workflow.steps.push_back(join);
  Step yes = run_step("yes", "echo yes");
  yes.edit_extra().condition = "${{ params.mode == 'full' }}";
  fx.workflow.steps.push_back(yes);
  fx.run();
  CHECK(fx.step("gate").status == StepStatus::Skipped);
  CHECK(fx.details("gate")->cause == "if: 'params.mode == 'FAST'' was false");
  CHECK(fx.step("after").status == StepStatus::Skipped);
  CHECK(fx.step("join").status == StepStatus::Succeeded);
  CHECK(fx.step("yes").status == StepStatus::Succeeded);
  CHECK(fx.state.status == RunStatus::Succeeded);
}

TEST_CASE("if: failure() and always() run after a failed need, as in GitHub Actions") {
  EngineFixture fx;
  fx.workflow.steps.push_back(run_step("build", "exit 4"));
  Step on_fail = run_step("report", "echo failed with ${{ steps.build.exit_code }}", {"build"});
  on_fail.edit_extra().condition = "failure()";
  fx.workflow.steps.push_back(on_fail);
  Step cleanup = run_step("cleanup", "echo cleanup", {"build"});
  cleanup.edit_extra().condition = "always()";
  fx.workflow.steps.push_back(cleanup);
  Step on_success = run_step("deploy", "echo deploy", {"build"});
  on_success.edit_extra().condition = "success()";
  fx.workflow.steps.push_back(on_success);
  Step plain = run_step("plain", "echo plain", {"build"});
  plain.edit_extra().condition = "true";
  fx.workflow.steps.push_back(plain);
  fx.run();
  CHECK(fx.step("report").status == StepStatus::Succeeded);
  CHECK(fx.log_of("report") == "failed with 4\n");
  CHECK(fx.step("cleanup").status == StepStatus::Succeeded);
  CHECK(fx.step("deploy").status == StepStatus::Skipped);
  CHECK(fx.step("plain").status == StepStatus::UpstreamFailed);
  CHECK(fx.state.status == RunStatus::Failed);
}

TEST_CASE("an if: that cannot be evaluated fails the step with the reason") {
  EngineFixture fx;
  Step step = run_step("bad", "echo never");
  step.edit_extra().condition = "fromJSON('{')";
  fx.workflow.steps.push_back(step);
  fx.run();
  CHECK(fx.step("bad").status == StepStatus::Failed);
  CHECK(fx.details("bad")->cause ==
        "if: ${{fromJSON('{')}}: Error parsing JSON when evaluating fromJson");
}

TEST_CASE("workflow outputs become the run's output, typed when a single expression") {
  EngineFixture fx;
  fx.options.params = {{"day", "2026-11-24"}};
  fx.workflow.steps.push_back(run_step(
      "count", "echo rows=42 >> \"$FLOWRUN_OUTPUT\"; echo 'path=/tmp/x' >> \"$FLOWRUN_OUTPUT\""));
  fx.workflow.outputs = {{"rows", "${{ fromJSON(steps.count.outputs.rows) }}"},
                         {"summary", "${{ steps.count.outputs.rows }} rows for ${{ params.day }}"},
                         {"ok", "${{ success() }}"},
                         {"run", "${{ run.id == '' }}"}};
  fx.run();
  CHECK(fx.state.output.dump() ==
        R"({"ok":true,"rows":42,"run":false,"summary":"42 rows for 2026-11-24"})");
  CHECK(fx.state.status == RunStatus::Succeeded);
}

TEST_CASE("the run reads run.id, run.started_at and workflow.name") {
  EngineFixture fx;
  fx.workflow.name = "nightly";
  fx.workflow.steps.push_back(
      run_step("show",
               "echo ${{ run.id == env.FLOWRUN_RUN_ID }} ${{ workflow.name }} "
               "${{ startsWith(run.started_at, '20') && endsWith(run.started_at, 'Z') }}"));
  fx.run();
  CHECK(fx.log_of("show") == "false nightly true\n");
}
