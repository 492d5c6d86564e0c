#include <doctest/doctest.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "support/background.hpp"
#include "support/cli_runner.hpp"

using namespace flowrun::test;

namespace {

struct History {
  TempDir dir;
  std::string state() const { return (dir.path() / "state").string(); }
  std::string file(const std::string& name, const std::string& text) const {
    return dir.write(name, text).string();
  }
  ProcessResult flowrun(std::vector<std::string> args) const {
    args.push_back("--state-dir");
    args.push_back(state());
    return run_flowrun(args);
  }
  std::string run_id(const ProcessResult& run) const {
    return nlohmann::json::parse(run.out)["run_id"].get<std::string>();
  }
};

const char* kFailing = R"(name: nightly
steps:
  - id: extract
    run: echo extracted; echo rows=10 >> "$FLOWRUN_OUTPUT"
  - id: load
    needs: extract
    run: echo loading; echo "disk full" >&2; exit 3
  - id: report
    needs: load
    run: echo report
)";

mode_t mode_of(const std::string& path) {
  struct stat info {};
  stat(path.c_str(), &info);
  return info.st_mode & 0777;
}

}  // namespace

TEST_CASE("status --json prints the same summary as run --json") {
  History h;
  auto run = h.flowrun({"run", h.file("f.yaml", kFailing), "--json"});
  REQUIRE(run.exit_code == 1);
  auto status = h.flowrun({"status", h.run_id(run), "--json"});
  CHECK(status.exit_code == 0);
  CHECK(nlohmann::json::parse(status.out) == nlohmann::json::parse(run.out));
  auto last = h.flowrun({"status", "last", "--json"});
  CHECK(nlohmann::json::parse(last.out) == nlohmann::json::parse(run.out));
}

TEST_CASE("status shows every step and, for a failed run, the end of the failing log") {
  History h;
  auto run = h.flowrun({"run", h.file("f.yaml", kFailing), "--json"});
  auto status = h.flowrun({"status", h.run_id(run).substr(0, 18)});
  CHECK(status.exit_code == 0);
  CHECK(status.out.find("workflow nightly  failed") != std::string::npos);
  CHECK(status.out.find("extract  succeeded") != std::string::npos);
  CHECK(status.out.find("report   upstream_failed") != std::string::npos);
  CHECK(status.out.find("step 'load' failed") != std::string::npos);
  CHECK(status.out.find("  | loading\n  | disk full\n") != std::string::npos);
}

TEST_CASE("an unknown run id is a one-line error with a suggestion, exit 2") {
  History h;
  auto run = h.flowrun({"run", h.file("f.yaml", kFailing), "--json"});
  std::string id = h.run_id(run);
  std::string typo = id;
  typo.back() = typo.back() == 'x' ? 'y' : 'x';
  auto status = h.flowrun({"status", typo});
  CHECK(status.exit_code == 2);
  CHECK(status.err == "flowrun: error: no run '" + typo + "' in '" + h.state() +
                          "'; did you mean '" + id + "'?\n");
  auto empty = run_flowrun({"status", "last", "--state-dir", (h.dir.path() / "none").string()});
  CHECK(empty.exit_code == 2);
  CHECK(empty.err.find("no runs are recorded in") != std::string::npos);
}

TEST_CASE("runs lists newest first and filters by workflow, status and limit") {
  History h;
  auto failed = h.flowrun({"run", h.file("f.yaml", kFailing), "--json"});
  auto ok = h.flowrun(
      {"run", h.file("g.yaml", "name: tiny\nsteps:\n  - id: a\n    run: 'true'\n"), "--json"});
  auto all = h.flowrun({"runs", "--json"});
  REQUIRE(all.exit_code == 0);
  auto list = nlohmann::json::parse(all.out);
  REQUIRE(list.size() == 2);
  CHECK(list[0]["run_id"] == h.run_id(ok));
  CHECK(list[1]["run_id"] == h.run_id(failed));
  CHECK(list[1]["failed_step"] == "load");
  CHECK(nlohmann::json::parse(h.flowrun({"runs", "--json", "--workflow", "tiny"}).out).size() == 1);
  auto by_status = nlohmann::json::parse(h.flowrun({"runs", "--json", "--status", "failed"}).out);
  REQUIRE(by_status.size() == 1);
  CHECK(by_status[0]["workflow"] == "nightly");
  CHECK(nlohmann::json::parse(h.flowrun({"runs", "--json", "--limit", "1"}).out).size() == 1);
  auto table = h.flowrun({"runs"});
  CHECK(table.out.find("RUN") == 0);
  CHECK(table.out.find(h.run_id(failed) + "  nightly   failed") != std::string::npos);
  CHECK(h.flowrun({"runs", "--status", "nope"}).exit_code == 2);
}

TEST_CASE("logs prints every attempt with a header, or one step's, or one attempt") {
  History h;
  std::string file =
      h.file("f.yaml",
             "steps:\n  - id: a\n    run: echo one\n  - id: b\n    needs: a\n"
             "    retry: {attempts: 2}\n    run: echo try $FLOWRUN_ATTEMPT; exit 1\n");
  auto run = h.flowrun({"run", file, "--json"});
  std::string id = h.run_id(run);
  auto all = h.flowrun({"logs", id});
  CHECK(all.exit_code == 0);
  CHECK(all.out ==
        "==> a (attempt 1) <==\none\n==> b (attempt 1) <==\ntry 1\n==> b (attempt 2) <==\ntry 2\n");
  CHECK(h.flowrun({"logs", id, "b"}).out == "try 2\n");
  CHECK(h.flowrun({"logs", id, "b", "--attempt", "1"}).out == "try 1\n");
  auto unknown = h.flowrun({"logs", id, "bb"});
  CHECK(unknown.exit_code == 2);
  CHECK(unknown.err.find("did you mean 'b'?") != std::string::npos);
}

TEST_CASE("logs --follow tails a running run until it ends") {
  History h;
  std::string gate = (h.dir.path() / "gate").string();
  std::string file = h.file("f.yaml", "steps:\n  - id: slow\n    run: echo first; while [ ! -f " +
                                          gate + " ]; do sleep 0.05; done; echo second\n");
  pid_t runner = start_flowrun({"run", file, "--state-dir", h.state()}, h.dir.path() / "run");
  REQUIRE(wait_for([&] { return h.flowrun({"logs", "last", "slow"}).out == "first\n"; }, 20));
  pid_t follower = start_flowrun({"logs", "last", "--follow", "--state-dir", h.state()},
                                 h.dir.path() / "follow");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  h.file("gate", "");
  CHECK(wait_exit(runner) == 0);
  CHECK(wait_exit(follower, 20) == 0);
  CHECK(read_text(h.dir.path() / "follow.out") == "==> slow (attempt 1) <==\nfirst\nsecond\n");
}

TEST_CASE("history lists the run's events in order") {
  History h;
  auto run = h.flowrun({"run", h.file("f.yaml", kFailing), "--json"});
  auto history = h.flowrun({"history", h.run_id(run), "--json"});
  REQUIRE(history.exit_code == 0);
  auto events = nlohmann::json::parse(history.out);
  std::vector<std::string> types;
  for (const auto& event : events) types.push_back(event["type"]);
  CHECK(types == std::vector<std::string>{"RunStarted", "AttemptStarted", "AttemptFinished",
                                          "StepFinished", "AttemptStarted", "AttemptFinished",
                                          "StepFinished", "StepFinished", "RunFinished"});
  CHECK(events[0]["id"] == 1);
  CHECK(events[5]["step"] == "load");
  CHECK(events[5]["detail"] == "failed (exit code 3)");
  CHECK(events[7]["detail"] == "upstream_failed");
  auto text = h.flowrun({"history", "last"});
  CHECK(text.out.find("RunFinished") != std::string::npos);
}

TEST_CASE("prune deletes old runs and their folders; --dry-run only lists them") {
  History h;
  std::string file = h.file("g.yaml", "name: tiny\nsteps:\n  - id: a\n    run: 'true'\n");
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) ids.push_back(h.run_id(h.flowrun({"run", file, "--json"})));
  auto dry = h.flowrun({"prune", "--keep", "1", "--dry-run"});
  CHECK(dry.exit_code == 0);
  CHECK(dry.out.find("would delete " + ids[0]) != std::string::npos);
  CHECK(std::filesystem::exists(h.state() + "/runs/" + ids[0]));
  auto pruned = h.flowrun({"prune", "--keep", "1"});
  CHECK(pruned.out.find("2 runs deleted") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(h.state() + "/runs/" + ids[0]));
  CHECK_FALSE(std::filesystem::exists(h.state() + "/runs/" + ids[1]));
  CHECK(std::filesystem::exists(h.state() + "/runs/" + ids[2]));
  CHECK(nlohmann::json::parse(h.flowrun({"runs", "--json"}).out).size() == 1);
  CHECK(h.flowrun({"prune", "--older-than", "1h"}).out.find("0 runs deleted") != std::string::npos);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  CHECK(h.flowrun({"prune", "--older-than", "10ms"}).out.find("1 run deleted") !=
        std::string::npos);
  CHECK(h.flowrun({"prune"}).exit_code == 2);
}

TEST_CASE("the history, run folders and logs are private to the user") {
  History h;
  auto run = h.flowrun({"run", h.file("f.yaml", kFailing), "--json"});
  std::string id = h.run_id(run);
  CHECK(mode_of(h.state()) == 0700);
  CHECK(mode_of(h.state() + "/flowrun.db") == 0600);
  CHECK(mode_of(h.state() + "/runs/" + id) == 0700);
  CHECK(mode_of(h.state() + "/runs/" + id + "/steps/load.attempt-1.log") == 0600);
}

TEST_CASE("a state directory that cannot be written is a one-line error, exit 2") {
  History h;
  std::string blocker = h.file("blocker", "a file, not a folder\n");
  auto run = run_flowrun({"run", h.file("f.yaml", kFailing), "--state-dir", blocker + "/state"});
  CHECK(run.exit_code == 2);
  CHECK(run.err.rfind("flowrun: error: cannot create folder", 0) == 0);
  CHECK(std::count(run.err.begin(), run.err.end(), '\n') == 1);
}

TEST_CASE("a foreign flowrun.db stops run with one line, exit 2, and is kept as it was") {
  History h;
  std::string db = h.file("state/flowrun.db", "not sqlite\n");
  auto run = h.flowrun({"run", h.file("f.yaml", kFailing)});
  CHECK(run.exit_code == 2);
  CHECK(run.err.find("is not a flowrun run history") != std::string::npos);
  CHECK(read_text(db) == "not sqlite\n");
}

TEST_CASE("--no-history runs without touching flowrun.db") {
  History h;
  auto run = h.flowrun({"run", h.file("f.yaml", kFailing), "--no-history", "--json"});
  CHECK(run.exit_code == 1);
  CHECK_FALSE(std::filesystem::exists(h.state() + "/flowrun.db"));
  CHECK(std::filesystem::exists(h.state() + "/runs/" + h.run_id(run) + "/summary.json"));
}

TEST_CASE("history keeps every event in order with consecutive ids, details over lines too") {
  History h;
  auto run = h.flowrun({"run", h.file("f.yaml", R"(name: lines
steps:
  - id: first
    run: "true"
  - id: stop
    needs: first
    type: fail
    error: Broken
    cause: "line one\nline two"
  - id: cleanup
    needs: stop
    trigger: always
    run: echo done
)"),
                        "--json"});
  REQUIRE(run.exit_code == 1);
  auto history = h.flowrun({"history", h.run_id(run), "--json"});
  REQUIRE(history.exit_code == 0);
  auto events = nlohmann::json::parse(history.out);
  std::vector<std::string> types;
  for (std::size_t i = 0; i < events.size(); ++i) {
    CHECK(events[i]["id"] == i + 1);
    types.push_back(events[i]["type"]);
  }
  CHECK(types == std::vector<std::string>{"RunStarted", "AttemptStarted", "AttemptFinished",
                                          "StepFinished", "StepFinished", "AttemptStarted",
                                          "AttemptFinished", "StepFinished", "RunFinished"});
  CHECK(events[1]["step"] == "first");
  CHECK(events[1]["attempt"] == 1);
  CHECK(events[4]["step"] == "stop");
  CHECK(events[4]["detail"].get<std::string>().find("line one\nline two") != std::string::npos);
  CHECK(events[7]["step"] == "cleanup");
  CHECK(events[0]["step"].is_null());
  CHECK(events[0]["attempt"].is_null());
}
