#include <doctest/doctest.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "support/cli_runner.hpp"

// A step's on_failure / on_retry hooks through the real binary: their context, their place
// in the history and the log, and that they never change the step's or the run's status.

using namespace flowrun::test;

TEST_CASE("workflows/step_hooks.yaml notifies on each retry and on the final failure") {
  TempDir dir;
  std::string notes = (dir.path() / "notes.txt").string();
  std::string state = (dir.path() / "state").string();
  auto result = run_flowrun({"run", (source_dir() / "workflows" / "step_hooks.yaml").string(),
                             "--json", "--state-dir", state, "-p", "notify_to=" + notes});
  INFO(result.err);
  CHECK(result.exit_code == 1);
  CHECK(read_text(notes) ==
        "retrying fetch: attempt 1 exited 1, next in 100ms\n"
        "fetch failed after 2 attempts; log: fetch.attempt-2.log\n");
  auto summary = nlohmann::json::parse(result.out);
  CHECK(summary["steps"][0]["status"] == "failed");
  CHECK(summary["steps"][1]["status"] == "upstream_failed");
  std::string log = read_text(summary["steps"][0]["log"].get<std::string>());
  CHECK(log.find("flowrun: on_failure hook: echo") != std::string::npos);
  CHECK(log.find("flowrun: on_failure hook exited with code 0") != std::string::npos);
  auto history = run_flowrun({"history", summary["run_id"], "--state-dir", state});
  CHECK(history.out.find("StepHookStarted    fetch      on_retry: echo") != std::string::npos);
  CHECK(history.out.find("StepHookSucceeded  fetch      on_failure hook exited with code 0") !=
        std::string::npos);
}

TEST_CASE("a failing hook is recorded but leaves the step and the run as they were") {
  TempDir dir;
  auto file = dir.write("flow.yaml", R"yaml(steps:
  - id: optional
    run: exit 5
    continue_on_error: true
    on_failure: echo "hook ran for $FLOWRUN_STEP ($FLOWRUN_EXIT_CODE)"; exit 7
  - id: fine
    needs: optional
    run: echo fine
    on_failure: touch never-created
)yaml");
  auto result =
      run_flowrun({"run", file.string(), "--json", "--state-dir", (dir.path() / "s").string()});
  INFO(result.err);
  CHECK(result.exit_code == 0);
  auto summary = nlohmann::json::parse(result.out);
  CHECK(summary["status"] == "succeeded");
  CHECK(summary["steps"][0]["status"] == "failed");
  CHECK(summary["steps"][1]["status"] == "succeeded");
  std::string log = read_text(summary["steps"][0]["log"].get<std::string>());
  CHECK(log.find("hook ran for optional (5)\nflowrun: on_failure hook exited with code 7") !=
        std::string::npos);
  CHECK(result.err.find("[optional] on_failure hook exited with code 7") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir.path() / "never-created"));
}

TEST_CASE("the run waits for a hook; one that hangs is stopped after the step's timeout") {
  TempDir dir;
  auto file = dir.write("flow.yaml", R"(steps:
  - id: slow_hook
    run: exit 1
    on_failure: sleep 0.3; touch hook-done
  - id: hanging_hook
    run: exit 1
    timeout: 500ms
    on_failure: sleep 30
)");
  auto started = std::chrono::steady_clock::now();
  auto result = run_flowrun({"run", file.string(), "--state-dir", (dir.path() / "s").string()});
  auto took = std::chrono::steady_clock::now() - started;
  CHECK(result.exit_code == 1);
  CHECK(std::filesystem::exists(dir.path() / "hook-done"));
  CHECK(result.err.find("[hanging_hook] on_failure hook timed out") != std::string::npos);
  CHECK(took < std::chrono::seconds(20));  // not the hook's 30 s
}
