#include "core/engine/fan_out.hpp"

#include <doctest/doctest.h>

#include "core/report/run_summary.hpp"
#include "engine/engine_fixture.hpp"

using namespace flowrun;
using namespace flowrun::test;
using nlohmann::json;

namespace {

Step foreach_step(std::string id, json items, std::string script,
                  std::vector<std::string> needs = {}) {
  Step step = run_step(std::move(id), std::move(script), std::move(needs));
  Foreach foreach;
  foreach
    .items = std::move(items);
  step.edit_extra().foreach = std::move(foreach);
  return step;
}

Step foreach_expression(std::string id, std::string expression, std::string script,
                        std::vector<std::string> needs = {}) {
  Step step = run_step(std::move(id), std::move(script), std::move(needs));
  Foreach foreach;
  foreach
    .expression = std::move(expression);
  step.edit_extra().foreach = std::move(foreach);
  return step;
}

const FanOutSpan& span_of(const EngineFixture& fx, const std::string& id) {
  for (std::size_t i = 0; i < fx.workflow.steps.size(); ++i) {
    if (fx.workflow.steps[i].id == id) return fx.state.fan_outs.at(static_cast<std::uint32_t>(i));
  }
  throw std::runtime_error("no fan-out " + id);
}

const StepRecord& child(const EngineFixture& fx, const std::string& id, std::uint32_t index) {
  return fx.state.record_of(fx.state.steps.size() + span_of(fx, id).first + index);
}

const StepDetails* child_details(const EngineFixture& fx, const std::string& id,
                                 std::uint32_t index) {
  return fx.state.find_details(fx.state.steps.size() + span_of(fx, id).first + index);
}

}  // namespace

TEST_CASE("a matrix is the cross product of its lists, less exclude, plus include") {
  SUBCASE("cross product") {
    json combos = expand_matrix(json::parse(R"({"os": ["linux", "mac"], "v": [1, 2]})"));
    CHECK(combos == json::parse(R"([{"os": "linux", "v": 1}, {"os": "linux", "v": 2},
                                    {"os": "mac", "v": 1}, {"os": "mac", "v": 2}])"));
  }
  SUBCASE("exclude matches on the keys it names") {
    json combos = expand_matrix(
        json::parse(R"({"os": ["linux", "mac"], "v": [1, 2], "exclude": [{"os": "mac"}]})"));
    CHECK(combos == json::parse(R"([{"os": "linux", "v": 1}, {"os": "linux", "v": 2}])"));
  }
  SUBCASE("include extends the combinations it does not change, or adds its own") {
    json combos = expand_matrix(json::parse(R"({"os": ["linux", "mac"], "include": [
        {"os": "mac", "arch": "arm64"}, {"color": "green"}, {"os": "windows"}]})"));
    CHECK(combos == json::parse(R"([{"os": "linux", "color": "green"},
                                    {"os": "mac", "arch": "arm64", "color": "green"},
                                    {"os": "windows"}])"));
  }
  SUBCASE("only include") {
    CHECK(expand_matrix(json::parse(R"({"include": [{"a": 1}, {"a": 2}]})")) ==
          json::parse(R"([{"a": 1}, {"a": 2}])"));
  }
}

TEST_CASE("tolerated failures are a count or a percentage of the children") {
  CHECK(exceeds_tolerance(std::nullopt, 1, 10));
  CHECK_FALSE(exceeds_tolerance(std::nullopt, 0, 10));
  CHECK_FALSE(exceeds_tolerance("2", 2, 10));
  CHECK(exceeds_tolerance("2", 3, 10));
  CHECK_FALSE(exceeds_tolerance("20%", 2, 10));
  CHECK(exceeds_tolerance("20%", 3, 10));
  CHECK(split_child_label("build[12]") == std::pair<std::string_view, std::uint32_t>{"build", 12});
  CHECK_FALSE(split_child_label("build"));
  CHECK_FALSE(split_child_label("build[x]"));
}

TEST_CASE("foreach runs one child per item with FLOWRUN_ITEM, item and item_index") {
  EngineFixture fx;
  fx.workflow.steps.push_back(foreach_step(
      "each", json::parse(R"(["a b", 7, {"k": "v"}])"),
      "echo \"$FLOWRUN_ITEM|$FLOWRUN_ITEM_INDEX|${{ item_index }}|${{ toJSON(item) }}\"\n"
      "echo \"got=$FLOWRUN_ITEM_INDEX\" >> \"$FLOWRUN_OUTPUT\""));
  fx.workflow.steps.push_back(
      run_step("after", "echo '${{ steps.each.outputs[2].got }}'", {"each"}));
  RunState state = fx.run();
  CHECK(state.status == RunStatus::Succeeded);
  CHECK(fx.step("each").status == StepStatus::Succeeded);
  REQUIRE(span_of(fx, "each").count == 3);
  CHECK(fx.log_of("each_0_") == "a b|0|0|\"a b\"\n");
  CHECK(fx.log_of("each_1_") == "7|1|1|7\n");
  CHECK(fx.log_of("each_2_") == "{\"k\":\"v\"}|2|2|{\n  \"k\": \"v\"\n}\n");
  CHECK(child(fx, "each", 1).exit_code == 0);
  CHECK(child_details(fx, "each", 1)->outputs == StepOutputs{{"got", "1"}});
  CHECK(fx.log_of("after") == "2\n");
  std::string summary = render_run_summary(fx.workflow, state);
  json parsed = json::parse(summary);
  json each = parsed["steps"][0];
  CHECK(each["outputs"] == json::parse(R"([{"got": "0"}, {"got": "1"}, {"got": "2"}])"));
  REQUIRE(each["children"].size() == 3);
  CHECK(each["children"][2]["id"] == "each[2]");
  CHECK(each["children"][2]["index"] == 2);
  CHECK(each["children"][2]["status"] == "succeeded");
}

TEST_CASE("foreach takes its list from params or from an upstream step's JSON output") {
  EngineFixture fx;
  fx.options.params = {{"files", {"x.csv", "y.csv"}}};
  fx.workflow.steps.push_back(foreach_expression("params", "${{ params.files }}", "true"));
  fx.workflow.steps.push_back(
      run_step("list", "echo 'names=[\"n1\", \"n2\", \"n3\"]' >> \"$FLOWRUN_OUTPUT\""));
  fx.workflow.steps.push_back(foreach_expression("upstream", "${{ steps.list.outputs.names }}",
                                                 "echo $FLOWRUN_ITEM", {"list"}));
  fx.workflow.steps.push_back(
      foreach_expression("not_a_list", "${{ steps.list.outputs }}", "true", {"list"}));
  fx.run();
  CHECK(span_of(fx, "params").count == 2);
  CHECK(fx.log_of("params_1_").empty());
  CHECK(span_of(fx, "upstream").count == 3);
  CHECK(fx.log_of("upstream_2_") == "n3\n");
  CHECK(fx.step("not_a_list").status == StepStatus::Failed);
  CHECK(fx.details("not_a_list")->cause.find("not a list") != std::string::npos);
}

TEST_CASE("an empty foreach list skips the step, and its dependents by their rules") {
  EngineFixture fx;
  fx.workflow.steps.push_back(foreach_step("none", json::array(), "true"));
  fx.workflow.steps.push_back(run_step("next", "true", {"none"}));
  Step join = run_step("join", "true", {"none"});
  join.trigger = TriggerRule::NoneFailed;
  fx.workflow.steps.push_back(join);
  RunState state = fx.run();
  CHECK(state.status == RunStatus::Succeeded);
  CHECK(fx.step("none").status == StepStatus::Skipped);
  CHECK(fx.details("none")->cause == "foreach: the list is empty");
  CHECK(fx.step("next").status == StepStatus::Skipped);
  CHECK(fx.step("join").status == StepStatus::Succeeded);
}

TEST_CASE("failures within tolerated_failures let the step succeed; beyond it fail it") {
  EngineFixture fx;
  const char* script = "test $FLOWRUN_ITEM -lt 3";  // items 3 and 4 fail
  Step within = foreach_step("within", json::parse("[0, 1, 2, 3, 4]"), script);
  within.edit_extra().tolerated_failures = "2";
  Step percent = foreach_step("percent", json::parse("[0, 1, 2, 3, 4]"), script);
  percent.edit_extra().tolerated_failures = "20%";
  fx.workflow.steps = {within, percent};
  RunState state = fx.run();
  CHECK(fx.step("within").status == StepStatus::Succeeded);
  CHECK(fx.details("within")->cause == "2 of 5 children failed, within the tolerated 2");
  CHECK(child(fx, "within", 3).status == StepStatus::Failed);
  CHECK(fx.step("percent").status == StepStatus::Failed);
  CHECK(fx.details("percent")->cause == "2 of 5 children failed, more than the tolerated 20%");
  CHECK(state.status == RunStatus::Failed);
  CHECK(*state.cause == "step 'percent' ended failed");
}

TEST_CASE("without a tolerance the first failure stops new children (fail fast)") {
  EngineFixture fx;
  Step step = foreach_step("each", json::parse("[0, 1, 2, 3]"), "test $FLOWRUN_ITEM -ne 1");
  step.edit_extra().max_parallel = 1;
  fx.workflow.steps = {step};
  fx.run();
  CHECK(fx.step("each").status == StepStatus::Failed);
  CHECK(child(fx, "each", 0).status == StepStatus::Succeeded);
  CHECK(child(fx, "each", 1).status == StepStatus::Failed);
  CHECK(child(fx, "each", 2).status == StepStatus::Cancelled);
  CHECK(child_details(fx, "each", 3)->cause ==
        "not started: more children failed than the step tolerates");
}

TEST_CASE("max_parallel bounds the children running at once") {
  EngineFixture fx;
  std::filesystem::create_directory(fx.dir.path() / "running");
  json items = json::array();
  for (int i = 0; i < 8; ++i) items.push_back(i);
  Step step = foreach_step("each", items,
                           "touch running/$FLOWRUN_ITEM; ls running | wc -l >> counts; "
                           "sleep 0.05; rm running/$FLOWRUN_ITEM");
  step.edit_extra().max_parallel = 2;
  fx.workflow.steps = {step};
  fx.options.jobs = 8;
  fx.run();
  CHECK(fx.step("each").status == StepStatus::Succeeded);
  std::string counts = read_text(fx.dir.path() / "counts");
  CHECK(std::count(counts.begin(), counts.end(), '\n') == 8);
  for (char c : counts) CHECK((c == '\n' || c == ' ' || c == '1' || c == '2'));
}

TEST_CASE("a matrix runs each combination with matrix.<name> in expressions") {
  EngineFixture fx;
  Step step = run_step("build", "echo ${{ matrix.os }}-${{ matrix.v }} $FLOWRUN_ITEM");
  step.edit_extra().matrix = json::parse(R"({"os": ["linux", "mac"], "v": [1, 2],
                                "exclude": [{"os": "mac", "v": 2}]})");
  fx.workflow.steps = {step};
  fx.run();
  CHECK(fx.step("build").status == StepStatus::Succeeded);
  REQUIRE(span_of(fx, "build").count == 3);
  CHECK(fx.log_of("build_0_") == "linux-1 {\"os\":\"linux\",\"v\":1}\n");
  CHECK(fx.log_of("build_2_") == "mac-1 {\"os\":\"mac\",\"v\":1}\n");
}
