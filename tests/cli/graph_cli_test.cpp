#include <doctest/doctest.h>

#include <map>
#include <nlohmann/json.hpp>

#include "support/cli_runner.hpp"

using namespace flowrun::test;

namespace {
const char* kDiamond = R"(name: diamond
steps:
  - id: fetch
    run: echo fetch
  - id: left
    needs: fetch
    run: echo left
  - id: right
    needs: fetch
    cmd: [echo, right]
  - id: join
    needs: [left, right]
    trigger: none_failed
    run: echo join
)";
}  // namespace

TEST_CASE("graph draws every format of a valid workflow") {
  TempDir dir;
  auto file = dir.write("diamond.yaml", kDiamond);
  for (const char* format : {"text", "ascii", "dot", "mermaid", "json"}) {
    CAPTURE(format);
    auto result = run_flowrun({"graph", file.string(), "--format", format});
    CHECK(result.exit_code == 0);
    CHECK(result.err == "");
    for (const char* id : {"fetch", "left", "right", "join"}) {
      CHECK(result.out.find(id) != std::string::npos);
    }
  }
  auto ascii = run_flowrun({"graph", file.string(), "--format", "ascii"});
  for (unsigned char c : ascii.out) CHECK(c < 0x80);
  auto dot = run_flowrun({"graph", file.string(), "--format", "dot"});
  CHECK(dot.out.find("digraph") != std::string::npos);
  auto mermaid = run_flowrun({"graph", file.string(), "--format", "mermaid"});
  CHECK(mermaid.out.find("flowchart") != std::string::npos);
  auto json = nlohmann::json::parse(run_flowrun({"graph", file.string(), "--format", "json"}).out);
  CHECK(json["nodes"].size() == 4);
  CHECK(json["edges"].size() == 4);
}

TEST_CASE("graph of an invalid workflow prints the validator's errors and exits 2") {
  TempDir dir;
  auto file = dir.write("bad.yaml", "steps:\n  - id: a\n    needs: [a]\n    run: 'true'\n");
  auto result = run_flowrun({"graph", file.string()});
  CHECK(result.exit_code == 2);
  CHECK(result.out == "");
  CHECK(result.err.find("error:") != std::string::npos);
}

TEST_CASE("graph draws every example, native and ASL") {
  for (const char* name :
       {"hello.yaml", "nightly_etl.yaml", "ci_pipeline.yaml", "fanout_files.yaml",
        "approval_deploy.yaml", "order_processing.asl.json", "orders_report.yaml"}) {
    CAPTURE(name);
    auto result = run_flowrun({"graph", (source_dir() / "workflows" / name).string()});
    CHECK(result.exit_code == 0);
    CHECK_FALSE(result.out.empty());
  }
}

TEST_CASE("graph --run shows what became of each step in that run") {
  TempDir dir;
  std::string state = (dir.path() / "state").string();
  auto file = dir.write("flow.yaml", R"(name: shown
steps:
  - id: a
    run: "true"
  - id: each
    needs: a
    foreach: [1, 2, 3]
    tolerated_failures: 0
    max_parallel: 1
    run: test $FLOWRUN_ITEM != 3
  - id: b
    needs: each
    run: "true"
on_failure:
  - id: tell
    run: "true"
)");
  auto run = run_flowrun({"run", file.string(), "--json", "--state-dir", state});
  REQUIRE(run.exit_code == 1);
  std::string id = nlohmann::json::parse(run.out)["run_id"];
  auto json_graph = run_flowrun(
      {"graph", file.string(), "--run", "last", "--state-dir", state, "--format", "json"});
  INFO(json_graph.err);
  REQUIRE(json_graph.exit_code == 0);
  auto graph = nlohmann::json::parse(json_graph.out);
  std::map<std::string, std::string> statuses;
  for (const auto& node : graph["nodes"]) statuses[node["id"]] = node.value("status", "");
  CHECK(statuses["a"] == "succeeded");
  CHECK(statuses["each"] == "failed 2/3");
  CHECK(statuses["b"] == "upstream_failed");
  CHECK(statuses["tell"] == "succeeded");
  CHECK(graph["title"] == "shown (run " + id + ": failed)");
  auto text = run_flowrun({"graph", file.string(), "--run", id, "--state-dir", state});
  CHECK(text.out.find("[a · run · succeeded]") != std::string::npos);
  auto unknown = run_flowrun({"graph", file.string(), "--run", "nope", "--state-dir", state});
  CHECK(unknown.exit_code == 2);
  CHECK(unknown.err.find("no run 'nope'") != std::string::npos);
}
