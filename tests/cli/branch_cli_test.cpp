#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "support/cli_runner.hpp"

using namespace flowrun::test;

namespace {

const char* kBranchWorkflow = R"(name: branchy
params:
  rows: {type: integer, default: 5}
steps:
  - id: count
    run: echo "rows=${{ params.rows }}" >> "$FLOWRUN_OUTPUT"
  - id: route
    type: branch
    needs: count
    branches:
      - if: steps.count.outputs.rows > 0
        next: load
      - next: [report_empty]
  - id: load
    needs: route
    run: echo loading
  - id: publish
    needs: load
    run: echo publishing
  - id: report_empty
    needs: route
    trigger: all_done
    run: echo empty
  - id: join
    needs: [publish, report_empty]
    trigger: none_failed
    run: echo joined
  - id: strict
    needs: [publish, report_empty]
    run: echo strict
)";

std::map<std::string, nlohmann::json> steps_by_id(const nlohmann::json& summary) {
  std::map<std::string, nlohmann::json> out;
  for (const auto& step : summary["steps"]) out[step["id"].get<std::string>()] = step;
  return out;
}

}  // namespace

TEST_CASE("a branch step takes one path; the others are skipped and the skip propagates") {
  TempDir dir;
  std::string file = dir.write("branch.yaml", kBranchWorkflow).string();
  std::string state = (dir.path() / "state").string();

  SUBCASE("the first rule that holds") {
    ProcessResult result = run_flowrun({"run", file, "--state-dir", state, "--json"});
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
    auto steps = steps_by_id(nlohmann::json::parse(result.out));
    CHECK(steps["route"]["status"] == "succeeded");
    CHECK(steps["route"]["outputs"]["next"] == "load");
    CHECK(steps["load"]["status"] == "succeeded");
    CHECK(steps["publish"]["status"] == "succeeded");
    // Not taken, even though its trigger rule (all_done) would have let it run.
    CHECK(steps["report_empty"]["status"] == "skipped");
    CHECK(steps["report_empty"]["cause"] == "branch 'route' took 'load'");
    CHECK(steps["join"]["status"] == "succeeded");
    CHECK(steps["strict"]["status"] == "skipped");
  }
  SUBCASE("the default when no rule holds") {
    ProcessResult result =
        run_flowrun({"run", file, "--state-dir", state, "-p", "rows=0", "--json"});
    REQUIRE(result.exit_code == 0);
    auto steps = steps_by_id(nlohmann::json::parse(result.out));
    CHECK(steps["route"]["outputs"]["next"] == "report_empty");
    CHECK(steps["load"]["status"] == "skipped");
    CHECK(steps["publish"]["status"] == "skipped");
    CHECK(steps["report_empty"]["status"] == "succeeded");
    CHECK(read_text(steps["report_empty"]["log"].get<std::string>()) == "empty\n");
    CHECK(steps["join"]["status"] == "succeeded");
    CHECK(steps["strict"]["status"] == "skipped");
  }
}

TEST_CASE("a branch rule that cannot be evaluated fails the branch step and its paths") {
  TempDir dir;
  std::string file = dir.write("b.yaml", R"(name: b
steps:
  - id: route
    type: branch
    branches:
      - if: fromJSON('not json')
        next: a
  - id: a
    needs: route
    run: echo a
)")
                         .string();
  ProcessResult result =
      run_flowrun({"run", file, "--state-dir", (dir.path() / "s").string(), "--json"});
  CHECK(result.exit_code == 1);
  auto steps = steps_by_id(nlohmann::json::parse(result.out));
  CHECK(steps["route"]["status"] == "failed");
  CHECK(steps["route"]["cause"].get<std::string>().starts_with("branch rule 1: if: "));
  CHECK(steps["a"]["status"] == "upstream_failed");
}

TEST_CASE("bad branch targets are validate errors with positions and suggestions") {
  TempDir dir;
  std::string file = dir.write("bad.yaml", R"(name: bad
steps:
  - id: route
    type: branch
    branches:
      - next: load
      - if: true
        next: [laod, other]
  - id: load
    needs: route
    run: echo load
  - id: other
    run: echo other
)")
                         .string();
  ProcessResult result = run_flowrun({"validate", file});
  CHECK(result.exit_code == 2);
  CHECK(result.err.find(file +
                        ":6:9: error: only the last branch rule may leave out 'if' (it is the "
                        "default, taken when no rule above matches)") != std::string::npos);
  CHECK(result.err.find(file + ":8:16: error: branch 'route' leads to unknown step 'laod'") !=
        std::string::npos);
  CHECK(result.err.find("note: did you mean 'load'?") != std::string::npos);
  CHECK(result.err.find(file + ":8:22: error: branch 'route' leads to 'other', but 'other' "
                               "does not need 'route'") != std::string::npos);
  ProcessResult json = run_flowrun({"validate", file, "--format", "json"});
  std::set<std::string> codes;
  nlohmann::json diagnostics = nlohmann::json::parse(json.out);
  for (const auto& item : diagnostics) codes.insert(item["code"]);
  CHECK(codes == std::set<std::string>{"bad-branch", "unknown-branch-target",
                                       "branch-target-not-dependent"});
}

TEST_CASE("graph labels the edges out of a branch; the dry run shows its rules") {
  TempDir dir;
  std::string file = dir.write("branch.yaml", kBranchWorkflow).string();
  ProcessResult graph = run_flowrun({"graph", file, "--format", "json"});
  REQUIRE(graph.exit_code == 0);
  std::map<std::string, std::string> labels;
  nlohmann::json drawn = nlohmann::json::parse(graph.out);
  for (const auto& edge : drawn["edges"]) {
    labels[edge["from"].get<std::string>() + ">" + edge["to"].get<std::string>()] =
        edge["label"].get<std::string>();
  }
  CHECK(labels["route>load"] == "if: steps.count.outputs.rows > 0");
  CHECK(labels["route>report_empty"] == "default, all_done");
  ProcessResult text = run_flowrun({"graph", file});
  CHECK(text.out.find("default") != std::string::npos);

  ProcessResult plan = run_flowrun({"run", file, "--dry-run"});
  REQUIRE(plan.exit_code == 0);
  CHECK(plan.out.find("      type: branch\n"
                      "       if steps.count.outputs.rows > 0 -> load  (unknown until the run)\n"
                      "       default -> report_empty\n") != std::string::npos);
}

TEST_CASE("the orders report example branches, shares run properties and masks its secret") {
  TempDir dir;
  std::string file = (source_dir() / "workflows" / "orders_report.yaml").string();
  std::string state = (dir.path() / "state").string();
  // Its steps call `flowrun props`, as they would with flowrun installed on the PATH.
  std::string path =
      std::filesystem::path(flowrun_binary()).parent_path().string() + ":" + std::getenv("PATH");
  ProcessResult result =
      run_flowrun({"run", file, "--state-dir", state, "--json"}, "", {{"PATH", path}});
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  nlohmann::json summary = nlohmann::json::parse(result.out);
  CHECK(summary["output"] == nlohmann::json{{"path", "load"}, {"loaded", "3"}});
  auto steps = steps_by_id(summary);
  CHECK(read_text(steps["load"]["log"].get<std::string>()) ==
        "connecting with token ***\nloaded 3 orders from orders-api\n");
  CHECK(steps["nothing_to_load"]["status"] == "skipped");
  CHECK(read_text(steps["report"]["log"].get<std::string>()) ==
        "report: 3 orders loaded from orders-api\n");

  ProcessResult none = run_flowrun({"run", file, "--state-dir", state, "-p", "orders=0", "--json"},
                                   "", {{"PATH", path}});
  REQUIRE(none.exit_code == 0);
  auto other = steps_by_id(nlohmann::json::parse(none.out));
  CHECK(other["load"]["status"] == "skipped");
  CHECK(read_text(other["report"]["log"].get<std::string>()) ==
        "report: 0 orders loaded from orders-api\n");
}
