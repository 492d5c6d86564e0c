#include <doctest/doctest.h>

#include <map>
#include <nlohmann/json.hpp>

#include "support/cli_runner.hpp"

using namespace flowrun::test;

TEST_CASE("the handlers example notifies on failure, cleans up, and keeps the run failed") {
  TempDir dir;
  std::string state = (dir.path() / "state").string();
  std::string notes = (dir.path() / "notes").string();
  std::string file = (source_dir() / "workflows" / "notify_handlers.yaml").string();
  auto failed =
      run_flowrun({"run", file, "--json", "--state-dir", state, "-p", "notify_to=" + notes});
  CHECK(failed.exit_code == 1);
  auto summary = nlohmann::json::parse(failed.out);
  std::string id = summary["run_id"];
  CHECK(summary["status"] == "failed");
  CHECK(summary["cause"] == "step 'load' ended failed (exit code 1)");
  CHECK(read_text(notes) == "run " + id + " failed: load failed\n");
  REQUIRE(summary["steps"].size() == 5);
  CHECK(summary["steps"][2]["id"] == "announce");
  CHECK(summary["steps"][2]["status"] == "skipped");
  CHECK(summary["steps"][3]["handler"] == "on_failure");
  CHECK(summary["steps"][3]["status"] == "succeeded");
  CHECK(summary["steps"][4]["handler"] == "on_exit");
  std::string cleanup_log = summary["steps"][4]["log"];
  CHECK(read_text(cleanup_log) == "cleaning up after a failed run\n");
  auto status = run_flowrun({"status", id, "--state-dir", state});
  CHECK(status.out.find("handlers (they do not change the run's status):\nannounce") !=
        std::string::npos);
  CHECK(status.out.find("step 'load' failed") != std::string::npos);
  CHECK(nlohmann::json::parse(run_flowrun({"status", id, "--json", "--state-dir", state}).out) ==
        summary);

  dir.write("present.csv", "x\n");
  auto passed = run_flowrun({"run", file, "--json", "--state-dir", state, "-p",
                             "source=" + (dir.path() / "present.csv").string()});
  CHECK(passed.exit_code == 0);
  auto ok = nlohmann::json::parse(passed.out);
  CHECK(ok["steps"][2]["status"] == "succeeded");
  CHECK(ok["steps"][3]["status"] == "skipped");
}

TEST_CASE(
    "a failing handler is recorded and shown; the run keeps its status; resume runs them again") {
  TempDir dir;
  std::string state = (dir.path() / "state").string();
  auto file = dir.write("flow.yaml",
                        "name: h\nsteps:\n  - id: work\n    run: test -f fix\n"
                        "on_failure:\n  - id: page\n    run: echo paging; exit 4\n"
                        "on_exit:\n  - id: bye\n    run: echo bye >> trace\n");
  auto first = run_flowrun({"run", file.string(), "--json", "--state-dir", state});
  CHECK(first.exit_code == 1);
  auto summary = nlohmann::json::parse(first.out);
  CHECK(summary["steps"][1]["status"] == "failed");
  CHECK(summary["steps"][1]["exit_code"] == 4);
  CHECK(summary["cause"] == "step 'work' ended failed (exit code 1)");
  CHECK(first.err.find("[page] failed (exit 4") != std::string::npos);
  std::string id = summary["run_id"];
  dir.write("fix", "");
  auto resumed = run_flowrun({"resume", id, "--json", "--state-dir", state});
  CHECK(resumed.exit_code == 0);
  auto after = nlohmann::json::parse(resumed.out);
  CHECK(after["steps"][1]["status"] == "skipped");
  CHECK(read_text(dir.path() / "trace") == "bye\nbye\n");
}

TEST_CASE("the sensors, repeat and lateness examples run") {
  TempDir dir;
  std::string state = (dir.path() / "state").string();
  auto run = [&](const std::string& name) {
    auto result = run_flowrun(
        {"run", (source_dir() / "workflows" / name).string(), "--json", "--state-dir", state});
    CHECK(result.exit_code == 0);
    return nlohmann::json::parse(result.out);
  };
  auto sensors = run("sensors.yaml");
  CHECK(sensors["steps"][1]["status"] == "succeeded");
  CHECK(sensors["steps"][2]["status"] == "succeeded");  // the command sensor
  CHECK(sensors["steps"][3]["status"] == "skipped");
  CHECK(sensors["steps"][3]["cause"].get<std::string>().find("(soft_fail)") != std::string::npos);
  CHECK(read_text(sensors["steps"][4]["log"].get<std::string>()) ==
        "config ready; extra data: skipped\n");
  auto repeat = run("repeat_poll.yaml");
  CHECK(repeat["steps"][1]["attempts"] == 3);
  CHECK(read_text(repeat["steps"][2]["log"].get<std::string>()) == "done after 3 checks\n");
  auto late = run("late_report.yaml");
  CHECK(late["status"] == "succeeded");
  CHECK(late["steps"][1]["id"] == "page");
  CHECK(late["steps"][1]["status"] == "succeeded");
  CHECK(late["late"] == nlohmann::json::parse(R"({"run": true, "steps": ["build"]})"));
  std::string id = late["run_id"];
  auto history = run_flowrun({"history", id, "--state-dir", state}).out;
  CHECK(history.find("StepLate") != std::string::npos);
  CHECK(history.find("RunLate") != std::string::npos);
  auto status = run_flowrun({"status", id, "--state-dir", state}).out;
  CHECK(status.find("late: the run, step 'build' passed their late_after\n") != std::string::npos);
  auto status_json =
      nlohmann::json::parse(run_flowrun({"status", id, "--json", "--state-dir", state}).out);
  CHECK(status_json["late"] == late["late"]);
  // A run that was on time says nothing of lateness.
  auto on_time = run("repeat_poll.yaml");
  CHECK(!on_time.contains("late"));
}

TEST_CASE("a resumed run keeps the lateness of the steps it keeps") {
  TempDir dir;
  std::string state = (dir.path() / "state").string();
  auto file = dir.write("flow.yaml", R"(name: late-then-fail
steps:
  - id: slow
    late_after: 50ms
    run: sleep 0.3
  - id: flaky
    needs: slow
    run: test -f fixed
)");
  auto first = run_flowrun({"run", file.string(), "--json", "--state-dir", state});
  REQUIRE(first.exit_code == 1);
  auto failed = nlohmann::json::parse(first.out);
  CHECK(failed["late"] == nlohmann::json::parse(R"({"run": false, "steps": ["slow"]})"));
  dir.write("fixed", "");
  std::string id = failed["run_id"];
  auto resumed = run_flowrun({"resume", id, "--json", "--state-dir", state});
  CHECK(resumed.exit_code == 0);
  CHECK(nlohmann::json::parse(resumed.out)["late"] == failed["late"]);
}

TEST_CASE("simple states: pass sets outputs, noop joins, fail fails the run with its own error") {
  TempDir dir;
  std::string state = (dir.path() / "state").string();
  std::string file = (source_dir() / "workflows" / "simple_states.yaml").string();
  auto released = run_flowrun({"run", file, "--json", "--state-dir", state});
  INFO(released.err);
  REQUIRE(released.exit_code == 0);
  auto summary = nlohmann::json::parse(released.out);
  CHECK(summary["steps"][0]["outputs"] ==
        nlohmann::json{{"region", "eu-west-1"}, {"replicas", "3"}, {"label", "release-true"}});
  CHECK(summary["steps"][1]["status"] == "succeeded");
  CHECK(read_text(summary["steps"][2]["log"].get<std::string>()) ==
        "deploying 3 replicas to eu-west-1\n");
  CHECK(summary["steps"][3]["status"] == "skipped");
  auto refused = run_flowrun({"run", file, "-p", "release=false", "--json", "--state-dir", state});
  CHECK(refused.exit_code == 1);
  auto failed = nlohmann::json::parse(refused.out);
  CHECK(failed["error"] == "NotARelease");
  CHECK(failed["cause"] == "only releases are deployed by this workflow");
  CHECK(failed["steps"][3]["status"] == "failed");
  CHECK(failed["steps"][2]["status"] == "skipped");
}

TEST_CASE("graph shows what control steps ask, wait for and run, and late_after") {
  TempDir dir;
  auto file = dir.write("control.yaml", R"(name: control
late_after: 1h
steps:
  - id: gate
    type: approval
    message: Ship ${{ params.version }} to production?
  - id: pause
    type: wait
    duration: 90s
  - id: inbox
    type: wait
    for: {file: data/in.csv}
  - id: probe
    type: wait
    for: {command: [test, -f, ready]}
  - id: sub
    type: workflow
    workflow: lib/child.yaml
    late_after: 30m
  - id: each
    foreach: [a, b, c]
    run: echo $FLOWRUN_ITEM
params:
  version: {default: "1.2"}
)");
  dir.write("lib/child.yaml", "steps:\n  - id: one\n    run: \"true\"\n");
  auto graph = run_flowrun({"graph", file.string(), "--format", "json"});
  INFO(graph.err);
  REQUIRE(graph.exit_code == 0);
  auto nodes = nlohmann::json::parse(graph.out)["nodes"];
  std::map<std::string, std::string> kinds;
  for (const auto& node : nodes) kinds[node["id"]] = node["kind"];
  CHECK(kinds["gate"] == "approval \"Ship ${{ params.version }} to…\"");
  CHECK(kinds["pause"] == "wait 1m30s");
  CHECK(kinds["inbox"] == "wait file data/in.csv");
  CHECK(kinds["probe"] == "wait command test -f ready");
  CHECK(kinds["sub"] == "workflow lib/child.yaml late_after 30m");
  CHECK(kinds["each"] == "run ×3");
  CHECK(nlohmann::json::parse(graph.out)["title"] == "control (late_after 1h)");
  auto text = run_flowrun({"graph", file.string()});
  CHECK(text.out.find("workflow lib/child.yaml") != std::string::npos);
}

TEST_CASE("graph marks fan-out, repeat and handlers") {
  auto dir = source_dir() / "workflows";
  CHECK(run_flowrun({"graph", (dir / "repeat_poll.yaml").string()}).out.find("repeat ≤10") !=
        std::string::npos);
  CHECK(run_flowrun({"graph", (dir / "repeat_poll.yaml").string(), "--format", "ascii"})
            .out.find("repeat <=10") != std::string::npos);
  auto handlers = run_flowrun({"graph", (dir / "notify_handlers.yaml").string()});
  CHECK(handlers.exit_code == 0);
  CHECK(handlers.out.find("on_failure") != std::string::npos);
}
