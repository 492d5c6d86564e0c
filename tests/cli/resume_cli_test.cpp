#include <doctest/doctest.h>
#include <signal.h>

#include <nlohmann/json.hpp>

#include "support/background.hpp"
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
  nlohmann::json status(const std::string& run) const {
    auto result = flowrun({"status", run, "--json"});
    REQUIRE(result.exit_code == 0);
    return nlohmann::json::parse(result.out);
  }
};

std::string step_status(const nlohmann::json& summary, const std::string& id) {
  for (const auto& step : summary["steps"]) {
    if (step["id"] == id) return step["status"];
  }
  return "";
}

// Each step appends its id to `trace`; `b` fails until the file `fix` exists.
std::string redrive_workflow(const Runs& r) {
  std::string trace = r.path("trace");
  return "name: redrive\nsteps:\n"
         "  - id: a\n    run: echo a >> " +
         trace +
         "; echo token=abc >> \"$FLOWRUN_OUTPUT\"\n"
         "  - id: b\n    needs: a\n    run: echo b >> " +
         trace + "; test -f " + r.path("fix") +
         "\n"
         "  - id: c\n    needs: b\n    run: echo c >> " +
         trace +
         "\n"
         "  - id: side\n    run: echo side >> " +
         trace + "\n";
}

}  // namespace

TEST_CASE("resume reruns failed and never-started steps, keeps the rest, same run id") {
  Runs r;
  auto first = r.flowrun({"run", r.file(redrive_workflow(r)), "--json"});
  REQUIRE(first.exit_code == 1);
  std::string id = nlohmann::json::parse(first.out)["run_id"];
  r.dir.write("fix", "");
  auto resumed = r.flowrun({"resume", id, "--json"});
  CHECK(resumed.exit_code == 0);
  auto summary = nlohmann::json::parse(resumed.out);
  CHECK(summary["run_id"] == id);
  CHECK(summary["status"] == "succeeded");
  std::string trace = read_text(r.path("trace"));
  CHECK(std::count(trace.begin(), trace.end(), 'a') == 1);
  CHECK(trace.find("side\n") == trace.rfind("side\n"));
  CHECK(trace.substr(trace.size() - 4) == "b\nc\n");
  CHECK(summary["steps"][0]["outputs"]["token"] == "abc");  // kept with its outputs
  CHECK(summary["steps"][1]["attempts"] == 2);
  CHECK(read_text(summary["steps"][1]["log"].get<std::string>()).empty());
  CHECK(r.status(id) == summary);
  auto runs = nlohmann::json::parse(r.flowrun({"runs", "--json"}).out);
  REQUIRE(runs.size() == 1);
  CHECK(runs[0]["redrives"] == 1);
  auto history = r.flowrun({"history", id}).out;
  CHECK(history.find("RunRedriven") != std::string::npos);
}

TEST_CASE("resume gives a retried step fresh retry counters") {
  Runs r;
  std::string count = r.path("count");
  auto first = r.flowrun(
      {"run",
       r.file("steps:\n  - id: flaky\n    retry: {attempts: 2}\n    run: n=$(cat " + count +
              " 2>/dev/null || echo 0); n=$((n+1)); echo $n > " + count + "; [ $n -ge 4 ]\n"),
       "--json"});
  REQUIRE(first.exit_code == 1);
  CHECK(nlohmann::json::parse(first.out)["steps"][0]["attempts"] == 2);
  auto resumed = r.flowrun({"resume", "last", "--json"});
  CHECK(resumed.exit_code == 0);
  CHECK(nlohmann::json::parse(resumed.out)["steps"][0]["attempts"] == 4);
}

TEST_CASE("resume of a run that succeeded is an error, exit 2; --from reruns downstream") {
  Runs r;
  r.dir.write("fix", "");
  auto first = r.flowrun({"run", r.file(redrive_workflow(r)), "--json"});
  REQUIRE(first.exit_code == 0);
  auto again = r.flowrun({"resume", "last"});
  CHECK(again.exit_code == 2);
  CHECK(again.err.find("succeeded; there is nothing to resume") != std::string::npos);
  std::filesystem::remove(r.path("trace"));
  auto from = r.flowrun({"resume", "last", "--from", "b"});
  CHECK(from.exit_code == 0);
  CHECK(read_text(r.path("trace")) == "b\nc\n");
  auto unknown = r.flowrun({"resume", "last", "--from", "bb"});
  CHECK(unknown.exit_code == 2);
  CHECK(unknown.err.find("did you mean 'b'?") != std::string::npos);
}

TEST_CASE("resume --new-run starts a new run linked to the old one") {
  Runs r;
  auto first = r.flowrun({"run", r.file(redrive_workflow(r)), "--json"});
  std::string old_id = nlohmann::json::parse(first.out)["run_id"];
  r.dir.write("fix", "");
  auto resumed = r.flowrun({"resume", old_id, "--new-run", "--json"});
  CHECK(resumed.exit_code == 0);
  auto summary = nlohmann::json::parse(resumed.out);
  CHECK(summary["run_id"] != old_id);
  CHECK(summary["steps"][0]["status"] == "succeeded");
  CHECK(summary["steps"][0]["outputs"]["token"] == "abc");
  CHECK(read_text(summary["steps"][0]["log"].get<std::string>()).empty());
  CHECK(r.status(old_id)["status"] == "failed");
  auto runs = nlohmann::json::parse(r.flowrun({"runs", "--json"}).out);
  REQUIRE(runs.size() == 2);
  CHECK(runs[0]["parent_run"] == old_id);
}

TEST_CASE("a run whose flowrun was killed is interrupted; resume stops its leftovers") {
  Runs r;
  std::string pid_file = r.path("pid");
  std::string file = r.file(
      "steps:\n  - id: quick\n    run: 'true'\n  - id: long\n    needs: quick\n"
      "    run: if [ -f " +
      r.path("fix") +
      " ]; then exit 0; fi; sleep 60 & "
      "echo $! > " +
      pid_file + "; wait\n");
  pid_t runner = start_flowrun({"run", file, "--state-dir", r.state()}, r.dir.path() / "run");
  REQUIRE(wait_for([&] { return !read_text(pid_file).empty(); }, 20));
  pid_t sleeper = static_cast<pid_t>(std::stol(read_text(pid_file)));
  // Attempts are committed in batches (at most 20 ms late); wait until this one is.
  REQUIRE(wait_for([&] { return step_status(r.status("last"), "long") == "running"; }, 20));
  kill(runner, SIGKILL);
  CHECK(wait_exit(runner) == 128 + SIGKILL);
  CHECK(is_running(sleeper));  // the step's process outlived flowrun
  auto summary = r.status("last");
  CHECK(summary["status"] == "interrupted");
  CHECK(step_status(summary, "long") == "running");
  auto listed = nlohmann::json::parse(r.flowrun({"runs", "--json", "--status", "interrupted"}).out);
  CHECK(listed.size() == 1);
  r.dir.write("fix", "");
  auto resumed = r.flowrun({"resume", "last", "--json"});
  CHECK_MESSAGE(resumed.exit_code == 0, resumed.err);
  CHECK(wait_for([&] { return !is_running(sleeper); }, 5));
  auto after = nlohmann::json::parse(resumed.out);
  CHECK(after["status"] == "succeeded");
  CHECK(after["steps"][0]["attempts"] == 1);
  CHECK(after["steps"][1]["attempts"] == 2);
  auto history = r.flowrun({"history", "last"}).out;
  CHECK(history.find("RunInterrupted") != std::string::npos);
  CHECK(history.find("LeftoverStopped") != std::string::npos);
}

TEST_CASE("resume refuses a run that is still running") {
  Runs r;
  std::string gate = r.path("gate");
  std::string file =
      r.file("steps:\n  - id: wait\n    run: while [ ! -f " + gate + " ]; do sleep 0.05; done\n");
  pid_t runner = start_flowrun({"run", file, "--state-dir", r.state()}, r.dir.path() / "run");
  REQUIRE(wait_for([&] { return r.flowrun({"logs", "last", "wait"}).exit_code == 0; }, 20));
  auto resumed = r.flowrun({"resume", "last"});
  CHECK(resumed.exit_code == 2);
  CHECK(resumed.err.find("is still running") != std::string::npos);
  r.dir.write("gate", "");
  CHECK(wait_exit(runner) == 0);
}

TEST_CASE("cancel from a second process stops the run; its flowrun exits 143") {
  Runs r;
  std::string file = r.file(
      "steps:\n  - id: long\n    run: sleep 60\n  - id: after\n"
      "    needs: long\n    run: 'true'\n");
  pid_t runner = start_flowrun({"run", file, "--state-dir", r.state()}, r.dir.path() / "run");
  REQUIRE(wait_for([&] { return r.flowrun({"logs", "last", "long"}).exit_code == 0; }, 20));
  auto cancel = r.flowrun({"cancel", "last"});
  CHECK(cancel.exit_code == 0);
  CHECK(cancel.err.find("cancelled") != std::string::npos);
  CHECK(wait_exit(runner) == 143);
  auto summary = r.status("last");
  CHECK(summary["status"] == "cancelled");
  CHECK(step_status(summary, "long") == "cancelled");
  CHECK(step_status(summary, "after") == "cancelled");
  auto again = r.flowrun({"cancel", "last"});
  CHECK(again.exit_code == 2);
  CHECK(again.err.find("is not running (it cancelled)") != std::string::npos);
}

TEST_CASE("cancel of a run whose flowrun is gone records the cancel and stops leftovers") {
  Runs r;
  std::string pid_file = r.path("pid");
  std::string file =
      r.file("steps:\n  - id: long\n    run: sleep 60 & echo $! > " + pid_file + "; wait\n");
  pid_t runner = start_flowrun({"run", file, "--state-dir", r.state()}, r.dir.path() / "run");
  REQUIRE(wait_for([&] { return !read_text(pid_file).empty(); }, 20));
  pid_t sleeper = static_cast<pid_t>(std::stol(read_text(pid_file)));
  kill(runner, SIGKILL);
  wait_exit(runner);
  auto cancel = r.flowrun({"cancel", "last"});
  CHECK(cancel.exit_code == 0);
  CHECK(wait_for([&] { return !is_running(sleeper); }, 5));
  // Killed at once: the attempt may not be recorded, its group is found by FLOWRUN_RUN_ID.
  auto summary = r.status("last");
  CHECK(summary["status"] == "cancelled");
  CHECK(step_status(summary, "long") != "running");
}
