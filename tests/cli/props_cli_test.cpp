#include <doctest/doctest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "support/cli_runner.hpp"

using namespace flowrun::test;

namespace {

constexpr int kParallel = 12;

// N parallel steps each set their own key and increment one shared counter; a later step
// reads them through run.props and the CLI.
std::string props_workflow() {
  std::string text = "name: props\nenv:\n  FR: \"" + flowrun_binary() + "\"\nsteps:\n";
  text += "  - id: first\n    run: '\"$FR\" props set table orders'\n";
  std::string needs;
  for (int i = 0; i < kParallel; ++i) {
    std::string id = "p" + std::to_string(i);
    text += "  - id: " + id + "\n    needs: first\n";
    text +=
        "    run: '\"$FR\" props set key_$FLOWRUN_STEP v-$FLOWRUN_STEP && \"$FR\" props incr "
        "counter >/dev/null'\n";
    needs += (needs.empty() ? "" : ", ") + id;
  }
  text += "  - id: last\n    needs: [" + needs + "]\n";
  text += "    run: |\n";
  text += "      echo \"table=${{ run.props.table }} count=${{ run.props.counter }}\"\n";
  text += "      \"$FR\" props get key_p3\n";
  text += "outputs:\n  counter: ${{ run.props.counter }}\n";
  return text;
}

}  // namespace

TEST_CASE("parallel steps set run properties without losing a write; later steps read them") {
  TempDir dir;
  std::string state = (dir.path() / "state").string();
  std::string file = dir.write("props.yaml", props_workflow()).string();
  ProcessResult result =
      run_flowrun({"run", file, "--state-dir", state, "-j", std::to_string(kParallel), "--json"});
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  nlohmann::json summary = nlohmann::json::parse(result.out);
  const nlohmann::json& props = summary["props"];
  CHECK(props.size() == kParallel + 2);
  for (int i = 0; i < kParallel; ++i) {
    std::string id = "p" + std::to_string(i);
    CHECK(props["key_" + id] == "v-" + id);
  }
  CHECK(props["counter"] == std::to_string(kParallel));
  CHECK(summary["output"]["counter"] == std::to_string(kParallel));
  const nlohmann::json& last = summary["steps"][kParallel + 1];
  CHECK(read_text(last["log"].get<std::string>()) ==
        "table=orders count=" + std::to_string(kParallel) + "\nv-p3\n");

  SUBCASE("status shows them; props --run reads a finished run") {
    ProcessResult status = run_flowrun({"status", "last", "--state-dir", state});
    CHECK(status.out.find("props:\n  counter=" + std::to_string(kParallel) + "\n") !=
          std::string::npos);
    ProcessResult status_json = run_flowrun({"status", "last", "--state-dir", state, "--json"});
    CHECK(nlohmann::json::parse(status_json.out)["props"] == props);
    ProcessResult list = run_flowrun({"props", "list", "--run", "last", "--state-dir", state});
    CHECK(list.exit_code == 0);
    CHECK(list.out.find("table=orders\n") != std::string::npos);
    ProcessResult get =
        run_flowrun({"props", "get", "table", "--run", "last", "--state-dir", state});
    CHECK(get.out == "orders\n");
    ProcessResult missing =
        run_flowrun({"props", "get", "nope", "--run", "last", "--state-dir", state});
    CHECK(missing.exit_code == 1);
    CHECK(missing.err.find("has no property 'nope'") != std::string::npos);
  }
  SUBCASE("a finished run's properties cannot be set") {
    std::string id = summary["run_id"];
    ProcessResult set =
        run_flowrun({"props", "set", "x", "1", "--state-dir", state}, "", {{"FLOWRUN_RUN_ID", id}});
    CHECK(set.exit_code == 2);
    CHECK(set.err.find("is succeeded; only a running run's properties can be set") !=
          std::string::npos);
  }
}

TEST_CASE("props outside a step is a clear error, exit 2") {
  TempDir dir;
  ProcessResult result =
      run_flowrun({"props", "get", "x", "--state-dir", (dir.path() / "s").string()});
  CHECK(result.exit_code == 2);
  CHECK(result.err ==
        "flowrun: error: props: not inside a flowrun step (FLOWRUN_RUN_ID is not set); run it "
        "from a step, or read a run's properties with --run RUN\n");
  ProcessResult bad_key =
      run_flowrun({"props", "set", "a.b", "1"}, "", {{"FLOWRUN_RUN_ID", "20260101-000000-abcdef"}});
  CHECK(bad_key.exit_code == 2);
  CHECK(bad_key.err.find("may hold only letters, digits") != std::string::npos);
}

TEST_CASE("a step of a run started with --no-history gets a clear error from props") {
  TempDir dir;
  std::string state = (dir.path() / "state").string();
  std::string file =
      dir.write("p.yaml", "name: p\nenv:\n  FR: \"" + flowrun_binary() +
                              "\"\nsteps:\n  - id: a\n    run: '\"$FR\" props set k v'\n")
          .string();
  run_flowrun({"run", file, "--state-dir", state});  // creates the history
  ProcessResult result = run_flowrun({"run", file, "--state-dir", state, "--no-history", "--json"});
  CHECK(result.exit_code == 1);
  std::string log =
      read_text(nlohmann::json::parse(result.out)["steps"][0]["log"].get<std::string>());
  CHECK(log.find("runs started with --no-history have no properties") != std::string::npos);
}

TEST_CASE("the dry run renders run.id as a fresh id of the real format; run.props waits") {
  TempDir dir;
  std::string file = dir.write("d.yaml", R"(name: d
steps:
  - id: a
    run: echo "${{ run.id }} ${{ run.props.rows }}"
)")
                         .string();
  ProcessResult plan = run_flowrun({"run", file, "--dry-run"});
  REQUIRE(plan.exit_code == 0);
  std::size_t at = plan.out.find("run.id: ");
  REQUIRE(at != std::string::npos);
  std::string id = plan.out.substr(at + 8, 22);
  CHECK(id.size() == 22);
  CHECK(id[8] == '-');
  CHECK(id[15] == '-');
  CHECK(plan.out.find("run: echo \"" + id + " <run.props.rows>\"") != std::string::npos);
  ProcessResult json = run_flowrun({"run", file, "--dry-run", "--json"});
  nlohmann::json parsed = nlohmann::json::parse(json.out);
  std::string json_id = parsed["run_id"];
  CHECK(parsed["plan"][0]["action"] == "run: echo \"" + json_id + " <run.props.rows>\"");
  CHECK_FALSE(std::filesystem::exists(dir.path() / "runs"));
}
