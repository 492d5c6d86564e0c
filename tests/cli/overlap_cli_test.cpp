#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "support/background.hpp"
#include "support/cli_runner.hpp"

using namespace flowrun::test;

namespace {

struct Shared {
  TempDir dir;
  std::string state() const { return (dir.path() / "state").string(); }
  std::string path(const std::string& name) const { return (dir.path() / name).string(); }
  std::size_t run_count() const {
    auto runs = run_flowrun({"runs", "--json", "--limit", "0", "--state-dir", state()});
    return nlohmann::json::parse(runs.out).size();
  }
};

// A workflow whose one step waits for the file `gate`.
std::string gated(const Shared& s, const std::string& extra = "") {
  return "name: nightly\n" + extra + "steps:\n  - id: wait\n    run: while [ ! -f " +
         s.path("gate") + " ]; do sleep 0.05; done\n";
}

}  // namespace

TEST_CASE("8 flowrun processes share one state directory without 'database is locked'") {
  Shared s;
  std::string steps = "steps:\n";
  for (int i = 0; i < 30; ++i) steps += "  - id: s" + std::to_string(i) + "\n    run: 'true'\n";
  std::string file = s.dir.write("flow.yaml", "name: busy\n" + steps).string();
  std::vector<pid_t> pids;
  for (int i = 0; i < 8; ++i) {
    pids.push_back(start_flowrun({"run", file, "-j", "4", "--state-dir", s.state()},
                                 s.dir.path() / ("p" + std::to_string(i))));
  }
  for (int i = 0; i < 8; ++i) {
    CHECK(wait_exit(pids[static_cast<std::size_t>(i)]) == 0);
    std::string err = read_text(s.dir.path() / ("p" + std::to_string(i) + ".err"));
    CHECK(err.find("locked") == std::string::npos);
    CHECK(err.find("error") == std::string::npos);
  }
  CHECK(s.run_count() == 8);
}

TEST_CASE("--if-running skip exits 0 and fail exits 2 while the workflow runs") {
  Shared s;
  std::string file = s.dir.write("flow.yaml", gated(s)).string();
  pid_t first = start_flowrun({"run", file, "--state-dir", s.state()}, s.dir.path() / "first");
  REQUIRE(wait_for([&] { return s.run_count() == 1; }, 20));
  auto skip = run_flowrun({"run", file, "--if-running", "skip", "--state-dir", s.state()});
  CHECK(skip.exit_code == 0);
  CHECK(skip.err == "flowrun: skipped: workflow 'nightly' already has 1 active run (limit 1)\n");
  auto fail = run_flowrun({"run", file, "--if-running", "fail", "--state-dir", s.state()});
  CHECK(fail.exit_code == 2);
  CHECK(fail.err.find("flowrun: error: workflow 'nightly' already has 1 active run") == 0);
  auto allow = run_flowrun({"run",
                            s.dir
                                .write("other.yaml",
                                       "name: nightly\nsteps:\n  - id: a\n"
                                       "    run: 'true'\n")
                                .string(),
                            "--if-running", "allow", "--state-dir", s.state()});
  CHECK(allow.exit_code == 0);
  s.dir.write("gate", "");
  CHECK(wait_exit(first) == 0);
  CHECK(s.run_count() == 2);
}

TEST_CASE("--if-running wait queues until the running one ends") {
  Shared s;
  std::string file = s.dir.write("flow.yaml", gated(s)).string();
  pid_t first = start_flowrun({"run", file, "--state-dir", s.state()}, s.dir.path() / "first");
  REQUIRE(wait_for([&] { return s.run_count() == 1; }, 20));
  pid_t second = start_flowrun({"run", file, "--if-running", "wait", "--state-dir", s.state()},
                               s.dir.path() / "second");
  REQUIRE(wait_for([&] { return !read_text(s.dir.path() / "second.err").empty(); }, 20));
  CHECK(read_text(s.dir.path() / "second.err").find("flowrun: waiting: workflow 'nightly'") == 0);
  CHECK(s.run_count() == 1);
  s.dir.write("gate", "");
  CHECK(wait_exit(first) == 0);
  CHECK(wait_exit(second) == 0);
  CHECK(s.run_count() == 2);
}

TEST_CASE("max_active_runs: runs started together never exceed the limit") {
  Shared s;
  std::string file = s.dir.write("flow.yaml", gated(s, "max_active_runs: 2\n")).string();
  std::vector<pid_t> pids;
  for (int i = 0; i < 6; ++i) {
    pids.push_back(start_flowrun({"run", file, "--if-running", "skip", "--state-dir", s.state()},
                                 s.dir.path() / ("p" + std::to_string(i))));
  }
  auto skipped = [&] {
    int count = 0;
    for (int i = 0; i < 6; ++i) {
      std::string err = read_text(s.dir.path() / ("p" + std::to_string(i) + ".err"));
      if (err.find("skipped") != std::string::npos) ++count;
    }
    return count;
  };
  CHECK(wait_for([&] { return skipped() == 4; }, 30));
  for (int i = 0; i < 6; ++i) INFO(read_text(s.dir.path() / ("p" + std::to_string(i) + ".err")));
  CHECK(s.run_count() == 2);
  s.dir.write("gate", "");
  for (pid_t pid : pids) CHECK(wait_exit(pid) == 0);
}
