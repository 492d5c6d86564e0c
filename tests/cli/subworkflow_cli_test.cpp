#include <doctest/doctest.h>
#include <signal.h>

#include <nlohmann/json.hpp>

#include "support/background.hpp"
#include "support/cli_runner.hpp"

// `type: workflow` steps through the real binary: the child run's params, output, failure,
// its link to the parent in the history, cancel reaching it, and include cycles.

using namespace flowrun::test;
using nlohmann::json;

namespace {

json runs_of(const std::string& state) {
  return json::parse(run_flowrun({"runs", "--json", "--state-dir", state}).out);
}

}  // namespace

TEST_CASE("workflows/regional_etl.yaml runs its extract twice as child runs of its own") {
  TempDir dir;
  std::string state = (dir.path() / "state").string();
  auto result = run_flowrun({"run", (source_dir() / "workflows" / "regional_etl.yaml").string(),
                             "--json", "--state-dir", state});
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  json summary = json::parse(result.out);
  CHECK(summary["output"] == json{{"files", "orders-eu.csv,orders-us.csv"}});
  CHECK(summary["steps"][0]["outputs"] == json{{"file", "orders-eu.csv"}, {"rows", "25"}});
  CHECK(summary["steps"][1]["outputs"] == json{{"file", "orders-us.csv"}, {"rows", "10"}});
  json runs = runs_of(state);
  REQUIRE(runs.size() == 3);
  int children = 0;
  for (const auto& run : runs) {
    if (run["workflow"] == "region-extract") {
      ++children;
      CHECK(run["parent_run"] == summary["run_id"]);
      CHECK(run["status"] == "succeeded");
    }
  }
  CHECK(children == 2);
  std::string log = read_text(summary["steps"][0]["log"].get<std::string>());
  CHECK(log.find("of 'region-extract': 1 step") != std::string::npos);
  CHECK(log.find("flowrun: child run ") != std::string::npos);
}

TEST_CASE("a failing child run fails the step with its cause; bad params fail it too") {
  TempDir dir;
  dir.write("child.yaml", R"(params:
  n: {type: integer, required: true}
steps:
  - id: boom
    run: echo "n is ${{ params.n }}"; exit 4
)");
  auto parent = dir.write("parent.yaml", R"(steps:
  - id: failing
    type: workflow
    workflow: child.yaml
    with: {n: 7}
  - id: bad_params
    type: workflow
    workflow: child.yaml
    with: {n: not-a-number}
  - id: after
    needs: failing
    run: echo never
)");
  auto result = run_flowrun(
      {"run", parent.string(), "--json", "--state-dir", (dir.path() / "state").string()});
  CHECK(result.exit_code == 1);
  json summary = json::parse(result.out);
  std::string cause = summary["steps"][0]["cause"];
  CHECK(cause.find("child run ") == 0);
  CHECK(cause.find(" failed: step 'boom' ended failed (exit code 4)") != std::string::npos);
  CHECK(summary["steps"][1]["status"] == "failed");
  CHECK(summary["steps"][1]["cause"] == "the child workflow did not run (see the step's log)");
  CHECK(read_text(summary["steps"][1]["log"].get<std::string>()).find("not-a-number") !=
        std::string::npos);
  CHECK(summary["steps"][2]["status"] == "upstream_failed");
}

TEST_CASE("cancelling the parent cancels the child run and stops its processes") {
  TempDir dir;
  dir.write("child.yaml", "steps:\n  - id: long\n    run: echo $$ > child.pid; sleep 30\n");
  auto parent = dir.write("parent.yaml",
                          "steps:\n  - id: sub\n    type: workflow\n    workflow: child.yaml\n");
  std::string state = (dir.path() / "state").string();
  pid_t flowrun = start_flowrun({"run", parent.string(), "--state-dir", state}, dir.path() / "p");
  REQUIRE(wait_for([&] { return std::filesystem::exists(dir.path() / "child.pid"); }, 20));
  pid_t child = static_cast<pid_t>(std::stol(read_text(dir.path() / "child.pid")));
  kill(flowrun, SIGTERM);
  CHECK(wait_exit(flowrun) == 143);
  CHECK(wait_for([&] { return kill(child, 0) != 0; }, 10));
  for (const auto& run : runs_of(state)) CHECK(run["status"] == "cancelled");
}

TEST_CASE("validate reports include cycles and missing sub-workflow files") {
  TempDir dir;
  auto a = dir.write("a.yaml", "steps:\n  - id: to_b\n    type: workflow\n    workflow: b.yaml\n");
  dir.write("b.yaml", "steps:\n  - id: to_a\n    type: workflow\n    workflow: a.yaml\n");
  auto missing =
      dir.write("m.yaml", "steps:\n  - id: gone\n    type: workflow\n    workflow: nope.yaml\n");
  auto result = run_flowrun({"validate", a.string(), missing.string()});
  CHECK(result.exit_code == 2);
  CHECK(result.err.find("a.yaml:2:5: error: step 'to_b' runs 'b.yaml', which leads back to a "
                        "workflow already being run (an include cycle)") != std::string::npos);
  CHECK(result.err.find("note: step 'to_a' runs 'a.yaml', which is already being run: a.yaml -> "
                        "b.yaml -> a.yaml") != std::string::npos);
  CHECK(result.err.find("m.yaml:2:5: error: step 'gone' runs 'nope.yaml', which is not a file") !=
        std::string::npos);
  auto run = run_flowrun({"run", a.string(), "--state-dir", (dir.path() / "s").string()});
  CHECK(run.exit_code == 2);
}
