#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "support/cli_runner.hpp"

using namespace flowrun::test;

namespace {

struct Runs {
  TempDir dir;
  std::string state() const { return (dir.path() / "state").string(); }
  std::string path(const std::string& name) const { return (dir.path() / name).string(); }
  std::string file(const std::string& text) const { return dir.write("flow.yaml", text).string(); }
  ProcessResult flowrun(std::vector<std::string> args) const {
    args.push_back("--state-dir");
    args.push_back(state());
    return run_flowrun(args);
  }
};

// Item `c` fails until the file `fix` exists; every child appends its item to `trace`.
std::string flaky_fan_out(const Runs& r) {
  return "name: fan\nsteps:\n"
         "  - id: each\n"
         "    foreach: [a, b, c, d]\n"
         "    tolerated_failures: 0\n"
         "    run: |\n"
         "      echo $FLOWRUN_ITEM >> " +
         r.path("trace") +
         "\n"
         "      echo \"seen=$FLOWRUN_ITEM\" >> \"$FLOWRUN_OUTPUT\"\n"
         "      test $FLOWRUN_ITEM != c || test -f " +
         r.path("fix") +
         "\n"
         "  - id: after\n"
         "    needs: each\n"
         "    run: echo '${{ steps.each.outputs[3].seen }}'\n";
}

}  // namespace

TEST_CASE(
    "a failed foreach child shows as id[k] in status, logs and history; resume reruns only it") {
  Runs r;
  std::string file = r.file(flaky_fan_out(r));
  auto first = r.flowrun({"run", file, "--json", "-j", "1"});
  REQUIRE(first.exit_code == 1);
  auto summary = nlohmann::json::parse(first.out);
  std::string id = summary["run_id"];
  const auto& each = summary["steps"][0];
  CHECK(each["status"] == "failed");
  CHECK(each["cause"] == "1 of 4 children failed, more than the tolerated 0");
  REQUIRE(each["children"].size() == 4);
  CHECK(each["children"][2]["id"] == "each[2]");
  CHECK(each["children"][2]["status"] == "failed");
  CHECK(each["children"][2]["exit_code"] == 1);
  CHECK(each["children"][3]["status"] == "cancelled");  // fail fast: never started
  CHECK(summary["steps"][1]["status"] == "upstream_failed");
  CHECK(first.err.find("[each[2]] failed") != std::string::npos);

  auto status = r.flowrun({"status", id});
  CHECK(status.exit_code == 0);
  CHECK(status.out.find("  each[2]") != std::string::npos);
  CHECK(status.out.find("child 'each[2]' failed") != std::string::npos);
  auto stored = nlohmann::json::parse(r.flowrun({"status", id, "--json"}).out);
  CHECK(stored == summary);
  auto logs = r.flowrun({"logs", id, "each[1]"});
  CHECK(logs.exit_code == 0);
  CHECK(logs.out.empty());
  auto history = r.flowrun({"history", id}).out;
  CHECK(history.find("FanOutStarted") != std::string::npos);
  CHECK(history.find("each[2]") != std::string::npos);

  r.dir.write("fix", "");
  auto resumed = r.flowrun({"resume", id, "--json", "-j", "1"});
  CHECK(resumed.exit_code == 0);
  auto after = nlohmann::json::parse(resumed.out);
  CHECK(after["status"] == "succeeded");
  CHECK(read_text(r.path("trace")) == "a\nb\nc\nc\nd\n");
  CHECK(after["steps"][0]["children"][2]["attempts"] == 2);
  CHECK(after["steps"][0]["children"][0]["attempts"] == 1);
  CHECK(after["steps"][0]["outputs"][2]["seen"] == "c");
  CHECK(after["steps"][0]["outputs"][0]["seen"] == "a");  // kept with its outputs
  CHECK(nlohmann::json::parse(r.flowrun({"status", id, "--json"}).out) == after);
  CHECK(r.flowrun({"logs", id, "after"}).out == "d\n");
}

TEST_CASE("a fan-out child sees its shown id id[k] as FLOWRUN_STEP and its index apart") {
  Runs r;
  std::string file = r.file(R"(name: ids
steps:
  - id: each
    foreach: [x, y]
    run: printf 'step=%s\nindex=%s\n' "$FLOWRUN_STEP" "$FLOWRUN_ITEM_INDEX" >> "$FLOWRUN_OUTPUT"
  - id: grid
    matrix: {os: [linux]}
    run: echo "step=$FLOWRUN_STEP" >> "$FLOWRUN_OUTPUT"
  - id: plain
    run: echo "step=$FLOWRUN_STEP" >> "$FLOWRUN_OUTPUT"
)");
  auto run = r.flowrun({"run", file, "--json"});
  REQUIRE(run.exit_code == 0);
  auto summary = nlohmann::json::parse(run.out);
  CHECK(summary["steps"][0]["outputs"][0]["step"] == "each[0]");
  CHECK(summary["steps"][0]["outputs"][1]["step"] == "each[1]");
  CHECK(summary["steps"][0]["outputs"][1]["index"] == "1");
  CHECK(summary["steps"][1]["outputs"][0]["step"] == "grid[0]");
  CHECK(summary["steps"][2]["outputs"]["step"] == "plain");
}

TEST_CASE("the fan-out examples validate, draw and run") {
  Runs r;
  auto dir = source_dir() / "workflows";
  auto fan = r.flowrun({"run", (dir / "fanout_files.yaml").string(), "--json"});
  CHECK(fan.exit_code == 0);
  auto summary = nlohmann::json::parse(fan.out);
  CHECK(summary["steps"][1]["children"].size() == 4);
  auto matrix = r.flowrun({"run", (dir / "matrix_build.yaml").string(), "--json"});
  CHECK(matrix.exit_code == 0);
  auto built = nlohmann::json::parse(matrix.out);
  CHECK(built["steps"][0]["children"].size() == 4);
  CHECK(built["output"]["platforms"] == "linux-amd64,linux-arm64,darwin-arm64,windows-amd64");
  auto graph = run_flowrun({"graph", (dir / "matrix_build.yaml").string()});
  CHECK(graph.out.find("matrix ×4") != std::string::npos);
}
