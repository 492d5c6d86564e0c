#include <doctest/doctest.h>
#include <signal.h>

#include <algorithm>
#include <filesystem>
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

namespace {

// A child whose `first` step counts its runs and whose `second` fails until `second.ok`
// exists, and a parent that runs it and reads its output.
constexpr const char* kCountingChild = R"(name: counting-child
steps:
  - id: first
    run: echo ran >> first.count
  - id: second
    needs: first
    run: |
      if [ ! -f second.ok ]; then touch second.ok; exit 5; fi
      echo "done=yes" >> "$FLOWRUN_OUTPUT"
outputs:
  done: ${{ steps.second.outputs.done }}
)";
constexpr const char* kParent = R"(name: parent
steps:
  - id: sub
    type: workflow
    workflow: child.yaml
  - id: after
    needs: sub
    run: echo "got=${{ steps.sub.outputs.OUTPUT }}" >> "$FLOWRUN_OUTPUT"
)";

std::string parent_reading(const std::string& output) {
  std::string text = kParent;
  text.replace(text.find("OUTPUT"), 6, output);
  return text;
}

std::vector<json> children_of(const std::string& state, const std::string& parent) {
  std::vector<json> children;
  for (const auto& run : runs_of(state)) {
    if (run["parent_run"] == parent) children.push_back(run);
  }
  return children;
}

std::size_t line_count(const std::filesystem::path& path) {
  std::string text = read_text(path);
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

}  // namespace

TEST_CASE("resuming the parent resumes its failed child run: only the child's failed steps rerun") {
  TempDir dir;
  dir.write("child.yaml", kCountingChild);
  auto parent = dir.write("parent.yaml", parent_reading("done"));
  std::string state = (dir.path() / "state").string();
  auto first = run_flowrun({"run", parent.string(), "--json", "--state-dir", state});
  REQUIRE(first.exit_code == 1);
  json failed = json::parse(first.out);
  std::string parent_id = failed["run_id"];
  std::vector<json> children = children_of(state, parent_id);
  REQUIRE(children.size() == 1);
  std::string child_id = children[0]["run_id"];
  CHECK(children[0]["status"] == "failed");
  CHECK(failed["steps"][0]["cause"].get<std::string>().find("child run " + child_id) == 0);

  auto resumed = run_flowrun({"resume", parent_id, "--json", "--state-dir", state});
  INFO(resumed.err);
  CHECK(resumed.exit_code == 0);
  json done = json::parse(resumed.out);
  CHECK(done["steps"][0]["status"] == "succeeded");
  CHECK(done["steps"][0]["outputs"] == json{{"done", "yes"}});
  CHECK(done["steps"][1]["outputs"] == json{{"got", "yes"}});
  children = children_of(state, parent_id);
  REQUIRE(children.size() == 1);  // the same child run, not a new one
  CHECK(children[0]["run_id"] == child_id);
  CHECK(children[0]["status"] == "succeeded");
  CHECK(line_count(dir.path() / "first.count") == 1);  // the child's first step kept
  CHECK(read_text(done["steps"][0]["log"].get<std::string>())
            .find("resuming child run " + child_id) != std::string::npos);
  auto history = run_flowrun({"history", parent_id, "--state-dir", state}).out;
  CHECK(history.find("child run " + child_id + " (resumed)") != std::string::npos);

  // --from runs the step again from scratch: a new child run.
  auto again = run_flowrun({"resume", parent_id, "--from", "sub", "--state-dir", state});
  CHECK(again.exit_code == 0);
  CHECK(children_of(state, parent_id).size() == 2);
  CHECK(line_count(dir.path() / "first.count") == 2);
}

TEST_CASE("a child run that is gone starts anew on resume, and says so in the step's log") {
  TempDir dir;
  dir.write("child.yaml",
            "params:\n  n: {type: integer, required: true}\nsteps:\n"
            "  - id: one\n    run: echo ${{ params.n }}\n");
  auto parent = dir.write("parent.yaml",
                          "steps:\n  - id: sub\n    type: workflow\n"
                          "    workflow: child.yaml\n    with: {n: nope}\n");
  std::string state = (dir.path() / "state").string();
  auto first = run_flowrun({"run", parent.string(), "--json", "--state-dir", state});
  REQUIRE(first.exit_code == 1);  // the child never had a run: its params are wrong
  std::string parent_id = json::parse(first.out)["run_id"];
  auto resumed = run_flowrun({"resume", parent_id, "--json", "--state-dir", state});
  CHECK(resumed.exit_code == 1);
  json again = json::parse(resumed.out);
  std::string log = read_text(again["steps"][0]["log"].get<std::string>());
  CHECK(log.find("is no longer in the history: a new child run starts") != std::string::npos);
}

TEST_CASE("a resumed parent takes the output of a child run that succeeded after the parent died") {
  TempDir dir;
  dir.write("child.yaml", R"(name: slow-child
steps:
  - id: work
    run: |
      echo $$ > child.pid
      while [ ! -f go ]; do sleep 0.05; done
      echo "done=late" >> "$FLOWRUN_OUTPUT"
outputs:
  done: ${{ steps.work.outputs.done }}
)");
  auto parent = dir.write("parent.yaml", parent_reading("done"));
  std::string state = (dir.path() / "state").string();
  pid_t flowrun = start_flowrun({"run", parent.string(), "--state-dir", state}, dir.path() / "p");
  REQUIRE(wait_for([&] { return std::filesystem::exists(dir.path() / "child.pid"); }, 20));
  REQUIRE(wait_for(  // the parent's history has noted its child run
      [&] {
        for (const auto& run : runs_of(state)) {
          if (run["workflow"] != "parent") continue;
          std::string id = run["run_id"];
          return run_flowrun({"history", id, "--state-dir", state})
                     .out.find("SubWorkflowStarted") != std::string::npos;
        }
        return false;
      },
      20));
  kill(flowrun, SIGKILL);  // the parent dies; its child run goes on
  CHECK(wait_exit(flowrun) == 128 + SIGKILL);
  dir.write("go", "");
  std::string parent_id;
  REQUIRE(wait_for(
      [&] {
        for (const auto& run : runs_of(state)) {
          if (run["workflow"] == "slow-child" && run["status"] == "succeeded") {
            parent_id = run["parent_run"];
            return true;
          }
        }
        return false;
      },
      20));
  auto resumed = run_flowrun({"resume", parent_id, "--json", "--state-dir", state});
  INFO(resumed.err);
  CHECK(resumed.exit_code == 0);
  json done = json::parse(resumed.out);
  CHECK(done["steps"][0]["outputs"] == json{{"done", "late"}});
  CHECK(done["steps"][1]["outputs"] == json{{"got", "late"}});
  CHECK(children_of(state, parent_id).size() == 1);
  CHECK(read_text(done["steps"][0]["log"].get<std::string>()).find("had succeeded") !=
        std::string::npos);
}

TEST_CASE("--no-wait reaches the child run: the parent waits on its approval, then resumes it") {
  TempDir dir;
  dir.write("child.yaml", R"(name: gated-child
steps:
  - id: prep
    run: echo ran >> prep.count
  - id: gate
    needs: prep
    type: approval
    message: Ship it?
  - id: ship
    needs: gate
    run: echo "shipped=yes" >> "$FLOWRUN_OUTPUT"
outputs:
  shipped: ${{ steps.ship.outputs.shipped }}
)");
  auto parent = dir.write("parent.yaml", parent_reading("shipped") + R"(  - id: side
    run: echo side >> side.count
)");
  std::string state = (dir.path() / "state").string();
  auto first = run_flowrun({"run", parent.string(), "--no-wait", "--json", "--state-dir", state});
  INFO(first.err);
  REQUIRE(first.exit_code == 3);
  json waiting = json::parse(first.out);
  std::string parent_id = waiting["run_id"];
  std::vector<json> children = children_of(state, parent_id);
  REQUIRE(children.size() == 1);
  std::string child_id = children[0]["run_id"];
  CHECK(children[0]["status"] == "waiting");
  CHECK(waiting["status"] == "waiting");
  CHECK(waiting["cause"] ==
        "waiting for step 'sub' (child run " + child_id + " waits for an approval)");
  CHECK(waiting["steps"][0]["status"] == "waiting");
  CHECK(waiting["steps"][0]["cause"] ==
        "child run " + child_id + " waiting: waiting for the approval of step 'gate'");
  CHECK(waiting["steps"][1]["status"] == "pending");
  CHECK(waiting["steps"][2]["status"] == "succeeded");  // what could run did
  CHECK(first.err.find("flowrun status " + parent_id) != std::string::npos);
  CHECK(first.err.find("[sub] child run " + child_id + "\n") != std::string::npos);

  // `last` is the parent, although its child run started after it.
  CHECK(
      json::parse(run_flowrun({"status", "last", "--json", "--state-dir", state}).out)["run_id"] ==
      parent_id);
  auto status = run_flowrun({"status", parent_id, "--state-dir", state});
  CHECK(status.out.find("sub") != std::string::npos);
  CHECK(status.out.find("step 'sub' waits with its child run " + child_id) != std::string::npos);
  CHECK(status.out.find("its step 'gate' waits for approval: Ship it?") != std::string::npos);
  CHECK(status.out.find("flowrun approve " + child_id + " gate") != std::string::npos);

  auto approved = run_flowrun({"approve", child_id, "gate", "--state-dir", state});
  CHECK(approved.exit_code == 0);
  CHECK(approved.err.find("'flowrun resume " + parent_id +
                          "' continues the run through its waiting parent run") !=
        std::string::npos);
  auto resumed = run_flowrun({"resume", parent_id, "--json", "--state-dir", state});
  INFO(resumed.err);
  CHECK(resumed.exit_code == 0);
  json done = json::parse(resumed.out);
  CHECK(done["status"] == "succeeded");
  CHECK(done["steps"][0]["outputs"] == json{{"shipped", "yes"}});
  CHECK(done["steps"][1]["outputs"] == json{{"got", "yes"}});
  CHECK(children_of(state, parent_id).size() == 1);
  CHECK(line_count(dir.path() / "prep.count") == 1);
  CHECK(line_count(dir.path() / "side.count") == 1);
}

// A parent run stopped by --no-wait on its child run's approval (step `gate`).
struct WaitingParent {
  TempDir dir;
  std::string state = (dir.path() / "state").string();
  std::string parent_id;
  std::string child_id;

  WaitingParent() {
    dir.write("child.yaml", "name: gated-child\nsteps:\n  - id: gate\n    type: approval\n");
    auto parent = dir.write("parent.yaml",
                            "name: parent\nsteps:\n  - id: sub\n"
                            "    type: workflow\n    workflow: child.yaml\n"
                            "  - id: after\n    needs: sub\n    run: \"true\"\n");
    auto first = run_flowrun({"run", parent.string(), "--no-wait", "--json", "--state-dir", state});
    REQUIRE(first.exit_code == 3);
    parent_id = json::parse(first.out)["run_id"];
    child_id = children_of(state, parent_id).at(0)["run_id"];
  }
};

TEST_CASE("cancelling a parent that waits on its child run's approval cancels both") {
  WaitingParent waiting;
  auto cancelled = run_flowrun({"cancel", waiting.parent_id, "--state-dir", waiting.state});
  CHECK(cancelled.exit_code == 0);
  CHECK(cancelled.err.find("with 1 waiting child run") != std::string::npos);
  for (const auto& run : runs_of(waiting.state)) CHECK(run["status"] == "cancelled");
}

TEST_CASE("nested sub-workflows pass params down and outputs up; a resume goes down both levels") {
  TempDir dir;
  dir.write("bottom.yaml", R"(name: bottom
params:
  n: {type: integer, required: true}
steps:
  - id: count
    run: echo ran >> bottom.count
  - id: times_ten
    needs: count
    run: |
      if [ ! -f bottom.ok ]; then touch bottom.ok; exit 7; fi
      echo "value=${{ params.n }}0" >> "$FLOWRUN_OUTPUT"
outputs:
  value: ${{ steps.times_ten.outputs.value }}
)");
  dir.write("middle.yaml", R"(name: middle
params:
  n: {type: integer, required: true}
steps:
  - id: down
    type: workflow
    workflow: bottom.yaml
    with: {n: "${{ params.n }}"}
outputs:
  value: ${{ steps.down.outputs.value }}
)");
  auto top = dir.write("top.yaml", R"(name: top
steps:
  - id: mid
    type: workflow
    workflow: middle.yaml
    with: {n: 4}
  - id: show
    needs: mid
    run: echo "got=${{ steps.mid.outputs.value }}" >> "$FLOWRUN_OUTPUT"
)");
  std::string state = (dir.path() / "state").string();
  auto first = run_flowrun({"run", top.string(), "--json", "--state-dir", state});
  REQUIRE(first.exit_code == 1);
  json failed = json::parse(first.out);
  CHECK(failed["steps"][0]["cause"].get<std::string>().find(
            "failed: step 'down' ended failed (exit code 1)") != std::string::npos);
  REQUIRE(runs_of(state).size() == 3);

  auto resumed = run_flowrun({"resume", "last", "--json", "--state-dir", state});
  INFO(resumed.err);
  CHECK(resumed.exit_code == 0);
  json done = json::parse(resumed.out);
  CHECK(done["run_id"] == failed["run_id"]);
  CHECK(done["steps"][0]["outputs"] == json{{"value", "40"}});
  CHECK(done["steps"][1]["outputs"] == json{{"got", "40"}});
  json runs = runs_of(state);
  CHECK(runs.size() == 3);  // every level resumed its own child run
  for (const auto& run : runs) CHECK(run["status"] == "succeeded");
  CHECK(line_count(dir.path() / "bottom.count") == 1);
}

TEST_CASE("approve --resume on a waiting child run resumes its waiting parent, which resumes it") {
  WaitingParent waiting;
  auto both =
      run_flowrun({"approve", waiting.child_id, "gate", "--resume", "--state-dir", waiting.state});
  INFO(both.err);
  CHECK(both.exit_code == 0);
  for (const auto& run : runs_of(waiting.state)) CHECK(run["status"] == "succeeded");
}

TEST_CASE(
    "status of a blocked parent shows its running child run's approval; approving it goes on") {
  TempDir dir;
  dir.write("child.yaml",
            "name: gated-child\nsteps:\n  - id: gate\n    type: approval\n"
            "    message: Go?\n");
  auto parent = dir.write("parent.yaml",
                          "name: parent\nsteps:\n  - id: sub\n"
                          "    type: workflow\n    workflow: child.yaml\n");
  std::string state = (dir.path() / "state").string();
  pid_t flowrun = start_flowrun({"run", parent.string(), "--state-dir", state}, dir.path() / "p");
  std::string shown;
  REQUIRE(wait_for(
      [&] {
        shown = run_flowrun({"status", "last", "--state-dir", state}).out;
        return shown.find("its step 'gate' waits for approval: Go?") != std::string::npos;
      },
      20));
  CHECK(shown.find("step 'sub' runs as child run ") != std::string::npos);
  CHECK(shown.find(", then: flowrun resume") == std::string::npos);  // it goes on by itself
  std::string child_id;
  for (const auto& run : runs_of(state)) {
    if (run["workflow"] == "gated-child") child_id = run["run_id"];
  }
  REQUIRE(!child_id.empty());
  CHECK(run_flowrun({"approve", child_id, "gate", "--state-dir", state}).exit_code == 0);
  CHECK(wait_exit(flowrun) == 0);
}

TEST_CASE("a parent that ends while its child run waits (here: timed out) cancels the child run") {
  TempDir dir;
  dir.write("child.yaml", "name: gated-child\nsteps:\n  - id: gate\n    type: approval\n");
  auto parent = dir.write("parent.yaml",
                          "name: parent\ntimeout: 2s\nsteps:\n  - id: sub\n"
                          "    type: workflow\n    workflow: child.yaml\n"
                          "  - id: long\n    run: sleep 30\n");
  std::string state = (dir.path() / "state").string();
  auto result = run_flowrun({"run", parent.string(), "--no-wait", "--json", "--state-dir", state});
  INFO(result.err);
  CHECK(result.exit_code == 124);
  json summary = json::parse(result.out);
  CHECK(summary["status"] == "timed_out");
  std::vector<json> children = children_of(state, summary["run_id"]);
  REQUIRE(children.size() == 1);
  CHECK(children[0]["status"] == "cancelled");
  auto status = run_flowrun(
      {"status", children[0]["run_id"].get<std::string>(), "--json", "--state-dir", state});
  CHECK(json::parse(status.out)["cause"] ==
        "cancelled: its parent run " + summary["run_id"].get<std::string>() + " timed_out");
}
