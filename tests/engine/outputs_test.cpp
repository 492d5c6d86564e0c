#include <doctest/doctest.h>

#include "engine/engine_fixture.hpp"

using namespace flowrun;
using namespace flowrun::test;

TEST_CASE("outputs: json takes stdout as a JSON object; stderr still goes to the log") {
  EngineFixture fx;
  Step step = run_step("extract",
                       "echo working >&2; echo '{\"path\": \"/data/x.csv\", \"rows\": 42, "
                       "\"tags\": [\"a\"]}'");
  step.outputs = OutputsMode::Json;
  fx.workflow.steps.push_back(step);
  fx.workflow.steps.push_back(
      run_step("load", "echo ${{ steps.extract.outputs.path }} ${{ steps.extract.outputs.rows }}",
               {"extract"}));
  fx.run();
  REQUIRE(fx.step("extract").status == StepStatus::Succeeded);
  StepOutputs expected = {{"path", "/data/x.csv"}, {"rows", "42"}, {"tags", "[\"a\"]"}};
  CHECK(fx.details("extract")->outputs == expected);
  CHECK(fx.log_of("extract").find("working\n") == 0);
  CHECK(fx.log_of("extract").find("\"rows\": 42") != std::string::npos);
  CHECK(fx.log_of("load") == "/data/x.csv 42\n");
}

TEST_CASE("stdout that is not a JSON object fails an outputs: json step, naming the place") {
  EngineFixture fx;
  Step list = run_step("list", "echo '[1, 2]'");
  list.outputs = OutputsMode::Json;
  Step broken = run_step("broken", "printf '{\\n  \"a\": 1,\\n  oops\\n}\\n'");
  broken.outputs = OutputsMode::Json;
  fx.workflow.steps = {list, broken};
  fx.run();
  CHECK(fx.step("list").status == StepStatus::Failed);
  CHECK(fx.details("list")->cause == "outputs: stdout is JSON but not an object (outputs: json)");
  CHECK(fx.step("broken").status == StepStatus::Failed);
  CHECK(fx.details("broken")->cause.find("outputs: stdout is not JSON (outputs: json): parse "
                                         "error at line 3, column 3") == 0);
}

TEST_CASE("a malformed $FLOWRUN_OUTPUT line fails the step and names the line") {
  EngineFixture fx;
  fx.workflow.steps.push_back(
      run_step("bad", "printf 'ok=1\\nthis is not a pair\\n' >> \"$FLOWRUN_OUTPUT\""));
  fx.workflow.steps.push_back(
      run_step("open", "printf 'text<<END\\nline\\n' >> \"$FLOWRUN_OUTPUT\""));
  fx.run();
  CHECK(fx.step("bad").status == StepStatus::Failed);
  CHECK(fx.details("bad")->cause ==
        "outputs: line 2 of $FLOWRUN_OUTPUT is not 'key=value' or 'key<<DELIMITER': 'this is "
        "not a pair'");
  CHECK(fx.log_of("bad").find("flowrun: outputs: line 2") != std::string::npos);
  CHECK(fx.details("open")->cause ==
        "outputs: line 1 of $FLOWRUN_OUTPUT starts a block that never ends with 'END'");
}

TEST_CASE("outputs are capped at 1 MiB per attempt with a clear error") {
  EngineFixture fx;
  fx.workflow.steps.push_back(run_step(
      "big", "head -c 1100000 /dev/zero | tr '\\0' x | sed 's/^/k=/' >> \"$FLOWRUN_OUTPUT\""));
  Step json = run_step("bigjson",
                       "printf '{\"k\": \"'; head -c 1100000 /dev/zero | tr '\\0' x; "
                       "printf '\"}'");
  json.outputs = OutputsMode::Json;
  fx.workflow.steps.push_back(json);
  fx.run();
  CHECK(fx.details("big")->cause == "outputs: the step's outputs are larger than 1024 KiB");
  CHECK(fx.details("bigjson")->cause == "outputs: the step's outputs are larger than 1024 KiB");
}
