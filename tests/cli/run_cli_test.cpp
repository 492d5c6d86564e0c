#include <doctest/doctest.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "support/background.hpp"
#include "support/cli_runner.hpp"

using namespace flowrun::test;

namespace {

struct RunDir {
  TempDir dir;
  std::string state() const { return (dir.path() / "state").string(); }
  std::string file(const std::string& text) const { return dir.write("flow.yaml", text).string(); }
};

void check_signal_cancels(int signal, int expected_exit) {
  RunDir run;
  std::filesystem::path pid_file = run.dir.path() / "pid";
  std::filesystem::path cleaned = run.dir.path() / "cleaned";
  std::string file = run.file("name: sig\nsteps:\n  - id: long\n    run: sleep 100 & echo $! > " +
                              pid_file.string() +
                              "; wait\n  - id: cleanup\n    needs: long\n"
                              "    trigger: always\n    run: touch " +
                              cleaned.string() + "\n");
  pid_t flowrun = start_flowrun({"run", file, "--state-dir", run.state(), "--json"},
                                run.dir.path() / "flowrun");
  REQUIRE(wait_for([&] { return !read_text(pid_file).empty(); }, 20));
  pid_t grandchild = static_cast<pid_t>(std::stol(read_text(pid_file)));
  REQUIRE(is_running(grandchild));
  kill(flowrun, signal);
  CHECK(wait_exit(flowrun) == expected_exit);
  CHECK(wait_for([&] { return !is_running(grandchild); }, 5));
  CHECK(std::filesystem::exists(cleaned));
  nlohmann::json summary = nlohmann::json::parse(read_text(run.dir.path() / "flowrun.out"));
  CHECK(summary["status"] == "cancelled");
  CHECK(summary["steps"][0]["status"] == "cancelled");
  CHECK(summary["steps"][1]["status"] == "succeeded");
}

}  // namespace

TEST_CASE("flowrun run exits 0 when the run succeeds and 1 when a step fails") {
  RunDir run;
  auto ok = run_flowrun(
      {"run", run.file("steps:\n  - id: a\n    run: echo hello\n"), "--state-dir", run.state()});
  CHECK(ok.exit_code == 0);
  CHECK(ok.out.empty());
  CHECK(ok.err.find("[a] succeeded") != std::string::npos);
  auto bad = run_flowrun({"run", run.file("steps:\n  - id: a\n    run: echo oops; exit 3\n"),
                          "--state-dir", run.state()});
  CHECK(bad.exit_code == 1);
  CHECK(bad.err.find("[a] failed (exit 3") != std::string::npos);
  CHECK(bad.err.find("  | oops") != std::string::npos);
}

TEST_CASE("flowrun run exits 2 on an invalid file and runs nothing") {
  RunDir run;
  std::filesystem::path canary = run.dir.path() / "canary";
  auto result = run_flowrun(
      {"run",
       run.file("steps:\n  - id: a\n    run: touch " + canary.string() + "\n    needs: [nope]\n"),
       "--state-dir", run.state()});
  CHECK(result.exit_code == 2);
  CHECK(result.err.find("error") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(canary));
}

TEST_CASE("flowrun run exits 124 when the workflow hits its timeout") {
  RunDir run;
  auto result =
      run_flowrun({"run", run.file("timeout: 300ms\nsteps:\n  - id: a\n    run: sleep 100\n"),
                   "--state-dir", run.state()});
  CHECK(result.exit_code == 124);
}

TEST_CASE("--json prints the summary alone on stdout; the same object is in summary.json") {
  RunDir run;
  auto result = run_flowrun({"run",
                             run.file("name: j\nparams:\n  day: sunday\nsteps:\n"
                                      "  - id: a\n    run: echo hi\n"),
                             "--state-dir", run.state(), "--json", "-p", "day=monday"});
  REQUIRE(result.exit_code == 0);
  nlohmann::json summary = nlohmann::json::parse(result.out);
  CHECK(summary["workflow"] == "j");
  CHECK(summary["status"] == "succeeded");
  CHECK(summary["params"]["day"] == "monday");
  CHECK(summary["steps"][0]["id"] == "a");
  std::string run_dir = run.state() + "/runs/" + summary["run_id"].get<std::string>();
  CHECK(nlohmann::json::parse(read_text(run_dir + "/summary.json")) == summary);
  CHECK(read_text(run_dir + "/definition.yaml").find("name: j") == 0);
  CHECK(read_text(summary["steps"][0]["log"].get<std::string>()) == "hi\n");
}

TEST_CASE("--dry-run prints the plan in execution order and runs nothing") {
  RunDir run;
  std::filesystem::path canary = run.dir.path() / "canary";
  auto result = run_flowrun({"run",
                             run.file("steps:\n  - id: b\n    needs: a\n    run: touch " +
                                      canary.string() + "\n  - id: a\n    cmd: [echo, hi]\n"),
                             "--state-dir", run.state(), "--dry-run"});
  CHECK(result.exit_code == 0);
  CHECK_FALSE(std::filesystem::exists(canary));
  CHECK_FALSE(std::filesystem::exists(run.state()));
  std::size_t a = result.out.find(". a");
  std::size_t b = result.out.find(". b");
  REQUIRE(a != std::string::npos);
  REQUIRE(b != std::string::npos);
  CHECK(a < b);
}

TEST_CASE("--stream shows live output prefixed with the step id") {
  RunDir run;
  auto result = run_flowrun({"run", run.file("steps:\n  - id: talk\n    run: echo one; echo two\n"),
                             "--state-dir", run.state(), "--stream"});
  CHECK(result.exit_code == 0);
  CHECK(result.err.find("[talk] one\n[talk] two\n") != std::string::npos);
}

TEST_CASE("the state directory comes from FLOWRUN_HOME when --state-dir is not given") {
  RunDir run;
  std::string home = (run.dir.path() / "home").string();
  auto result = run_flowrun({"run", run.file("steps:\n  - id: a\n    run: \"true\"\n")}, "",
                            {{"FLOWRUN_HOME", home}});
  CHECK(result.exit_code == 0);
  CHECK(std::filesystem::exists(home + "/runs"));
}

TEST_CASE("SIGINT to a running flowrun stops its steps, leaves no orphan and exits 130") {
  check_signal_cancels(SIGINT, 130);
}

TEST_CASE("SIGTERM to a running flowrun stops its steps, leaves no orphan and exits 143") {
  check_signal_cancels(SIGTERM, 143);
}
