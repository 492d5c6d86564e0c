#include <doctest/doctest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "support/background.hpp"
#include "support/cli_runner.hpp"

using namespace flowrun::test;
using json = nlohmann::json;

namespace {

// `build` runs, `gate` asks (its answer's inputs typed by their declaration), `deploy`
// reports what it read of the answer as its own outputs.
constexpr const char* kGateWorkflow = R"(name: gated
params:
  version: {type: string, default: "1.4.2"}
steps:
  - id: build
    run: echo built >> "$TRACE"
  - id: gate
    needs: build
    type: approval
    message: Deploy ${{ params.version }} to production?
    inputs:
      ticket: {type: string, required: true}
      replicas: {type: integer, default: 2}
      region: {type: string, enum: [eu, us], default: eu}
%s
  - id: deploy
    needs: gate
    run: |
      echo deployed >> "$TRACE"
      echo "seen=${{ steps.gate.outputs.approved }} ${{ steps.gate.outputs.approver }} ${{ steps.gate.outputs.ticket }} ${{ steps.gate.outputs.replicas }} ${{ steps.gate.outputs.comment }}" >> "$FLOWRUN_OUTPUT"
)";

struct Gate {
  TempDir dir;
  std::string state = (dir.path() / "state").string();
  std::string trace = (dir.path() / "trace").string();

  explicit Gate(const std::string& gate_keys = "") {
    std::string text = kGateWorkflow;
    text.replace(text.find("%s"), 2, gate_keys);
    dir.write("flow.yaml", text);
    setenv("TRACE", trace.c_str(), 1);
  }
  std::string file() const { return (dir.path() / "flow.yaml").string(); }
  ProcessResult flowrun(std::vector<std::string> args, const std::string& user = "ada") const {
    args.push_back("--state-dir");
    args.push_back(state);
    return run_flowrun(args, "", {{"USER", user}, {"TRACE", trace}});
  }
  pid_t start(std::vector<std::string> args) const {
    args.push_back("--state-dir");
    args.push_back(state);
    return start_flowrun(args, dir.path() / "run");
  }
  std::string err() const { return read_text(dir.path() / "run.err"); }
  json summary() const { return json::parse(read_text(dir.path() / "run.out")); }
  bool waits() const { return err().find("waiting for approval") != std::string::npos; }
};

const json& step(const json& summary, const std::string& id) {
  for (const json& item : summary["steps"]) {
    if (item["id"] == id) return item;
  }
  static const json none;
  FAIL("no step " << id);
  return none;
}

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("a blocking run continues when another process approves, with comment and inputs") {
  Gate gate;
  pid_t pid = gate.start({"run", gate.file(), "--json"});
  REQUIRE(wait_for([&] { return gate.waits(); }, 30));
  CHECK(has(gate.err(), "[gate] waiting for approval: Deploy 1.4.2 to production?"));
  CHECK(has(gate.err(), "flowrun approve "));
  CHECK(has(gate.err(), "--reject [--comment TEXT]"));
  CHECK(has(gate.err(), "-i ticket=STRING [-i replicas=INTEGER] [-i region=STRING]"));
  ProcessResult status = gate.flowrun({"status", "last"});
  CHECK(status.exit_code == 0);
  CHECK(has(status.out, "running"));
  CHECK(has(status.out, "step 'gate' waits for approval"));
  json waiting = json::parse(gate.flowrun({"status", "last", "--json"}).out);
  CHECK(step(waiting, "gate")["status"] == "waiting");

  ProcessResult answer = gate.flowrun({"approve", "last", "gate", "--comment", "ship it", "-i",
                                       "ticket=OPS-7", "-i", "replicas=3"});
  CHECK(answer.exit_code == 0);
  CHECK(has(answer.err, "approved by ada"));
  CHECK(wait_exit(pid, 30) == 0);
  json summary = gate.summary();
  CHECK(summary["status"] == "succeeded");
  const json& outputs = step(summary, "gate")["outputs"];
  CHECK(outputs["approved"] == "true");
  CHECK(outputs["approver"] == "ada");
  CHECK(outputs["comment"] == "ship it");
  CHECK(outputs["ticket"] == "OPS-7");
  CHECK(outputs["replicas"] == "3");
  CHECK(outputs["region"] == "eu");
  CHECK(outputs["timed_out"] == "false");
  CHECK(outputs["answered_at"].get<std::string>().size() == 24);
  CHECK(step(summary, "deploy")["outputs"]["seen"] == "true ada OPS-7 3 ship it");

  // The answer is in the history; a second one is refused, naming the first.
  ProcessResult history = gate.flowrun({"history", "last"});
  CHECK(has(history.out, "ApprovalRequested"));
  CHECK(has(history.out, "ApprovalGiven"));
  CHECK(has(history.out, "ApprovalAnswered"));
  ProcessResult again = gate.flowrun({"approve", "last", "gate", "-i", "ticket=OPS-8"}, "bob");
  CHECK(again.exit_code == 2);
  CHECK(has(again.err, "run '"));
  CHECK(has(again.err, "is succeeded; nothing in it waits for approval"));
}

TEST_CASE("a rejection fails the approval step, naming the approver and the comment") {
  Gate gate;
  pid_t pid = gate.start({"run", gate.file(), "--json"});
  REQUIRE(wait_for([&] { return gate.waits(); }, 30));
  ProcessResult answer =
      gate.flowrun({"approve", "last", "gate", "--reject", "--comment", "not this week"}, "bob");
  CHECK(answer.exit_code == 0);
  CHECK(wait_exit(pid, 30) == 1);
  json summary = gate.summary();
  CHECK(summary["status"] == "failed");
  CHECK(step(summary, "gate")["status"] == "failed");
  CHECK(step(summary, "gate")["cause"] == "approval: rejected by bob: not this week");
  CHECK(step(summary, "gate")["outputs"]["approved"] == "false");
  CHECK(step(summary, "deploy")["status"] == "upstream_failed");
}

TEST_CASE("on_reject: skip makes a rejected approval skipped, and the run succeeds") {
  Gate gate("    on_reject: skip");
  pid_t pid = gate.start({"run", gate.file(), "--json"});
  REQUIRE(wait_for([&] { return gate.waits(); }, 30));
  CHECK(gate.flowrun({"approve", "last", "gate", "--reject"}).exit_code == 0);
  CHECK(wait_exit(pid, 30) == 0);
  json summary = gate.summary();
  CHECK(step(summary, "gate")["status"] == "skipped");
  CHECK(step(summary, "deploy")["status"] == "skipped");
}

TEST_CASE("an approval's timeout applies its on_timeout") {
  struct Case {
    const char* on_timeout;
    int exit_code;
    const char* gate_status;
  };
  for (Case c : {Case{"approve", 0, "succeeded"}, Case{"reject", 1, "failed"},
                 Case{"fail", 1, "timed_out"}}) {
    CAPTURE(c.on_timeout);
    Gate gate(std::string("    timeout: 300ms\n    on_timeout: ") + c.on_timeout);
    ProcessResult run = gate.flowrun({"run", gate.file(), "--json"});
    CHECK(run.exit_code == c.exit_code);
    CHECK(has(run.err, "no answer by"));
    json summary = json::parse(run.out);
    const json& gate_step = step(summary, "gate");
    CHECK(gate_step["status"] == c.gate_status);
    if (std::string(c.on_timeout) == "approve") {
      CHECK(gate_step["outputs"]["timed_out"] == "true");
      CHECK(gate_step["outputs"]["replicas"] == "2");  // the inputs' defaults
      CHECK(step(summary, "deploy")["status"] == "succeeded");
    } else if (std::string(c.on_timeout) == "reject") {
      CHECK(gate_step["cause"] == "approval: no answer within 300ms (on_timeout: reject)");
    } else {
      CHECK(gate_step["cause"] == "approval: no answer within its timeout of 300ms");
    }
  }
}

TEST_CASE("--no-wait stops the run waiting (exit 3); approve then resume finishes it") {
  Gate gate;
  ProcessResult run = gate.flowrun({"run", gate.file(), "--no-wait", "--json"});
  CHECK(run.exit_code == 3);
  json summary = json::parse(run.out);
  CHECK(summary["status"] == "waiting");
  CHECK(summary["cause"] == "waiting for the approval of step 'gate'");
  CHECK(step(summary, "build")["status"] == "succeeded");
  CHECK(step(summary, "gate")["status"] == "waiting");
  CHECK(step(summary, "deploy")["status"] == "pending");
  CHECK(has(run.err, "flowrun resume"));

  // Not mistaken for an interrupted run.
  ProcessResult status = gate.flowrun({"status", "last"});
  CHECK(has(status.out, "waiting"));
  CHECK(!has(status.out, "interrupted"));
  CHECK(has(status.out, "step 'gate' waits for approval"));
  ProcessResult listed = gate.flowrun({"runs", "--status", "waiting"});
  CHECK(has(listed.out, "gated"));

  ProcessResult answer = gate.flowrun(
      {"approve", "last", "gate", "--output", R"({"ticket": "OPS-9", "region": "us"})"});
  CHECK(answer.exit_code == 0);
  CHECK(has(answer.err, "'flowrun resume"));
  ProcessResult resumed = gate.flowrun({"resume", "last", "--json"});
  CHECK(resumed.exit_code == 0);
  json done = json::parse(resumed.out);
  CHECK(done["status"] == "succeeded");
  CHECK(step(done, "build")["attempts"] == 1);
  CHECK(step(done, "gate")["attempts"] == 1);
  CHECK(step(done, "gate")["outputs"]["region"] == "us");
  CHECK(step(done, "deploy")["outputs"]["seen"] == "true ada OPS-9 2 ");
  CHECK(read_text(gate.trace) == "built\ndeployed\n");  // build did not run again
  CHECK(!has(resumed.err, "waiting for approval"));     // not asked again
}

TEST_CASE("approve --resume answers and continues a waiting run in one go") {
  Gate gate;
  REQUIRE(gate.flowrun({"run", gate.file(), "--no-wait"}).exit_code == 3);
  ProcessResult both = gate.flowrun({"approve", "last", "gate", "-i", "ticket=OPS-1", "--resume"});
  CHECK(both.exit_code == 0);
  CHECK(has(both.err, "resuming run"));
  json status = json::parse(gate.flowrun({"status", "last", "--json"}).out);
  CHECK(status["status"] == "succeeded");
  CHECK(step(status, "deploy")["status"] == "succeeded");
}

TEST_CASE("a resumed run that still has no answer waits again") {
  Gate gate("    timeout: 200ms\n    on_timeout: reject");
  REQUIRE(gate.flowrun({"run", gate.file(), "--no-wait"}).exit_code == 3);
  // The timeout's clock kept running while no flowrun waited: too late to answer now.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ProcessResult late = gate.flowrun({"approve", "last", "gate", "-i", "ticket=OPS-2"});
  CHECK(late.exit_code == 2);
  CHECK(has(late.err, "timed out at"));
  ProcessResult resumed = gate.flowrun({"resume", "last", "--json"});
  CHECK(resumed.exit_code == 1);
  CHECK(step(json::parse(resumed.out), "gate")["cause"] ==
        "approval: no answer within 200ms (on_timeout: reject)");
}

TEST_CASE("approve refuses bad inputs, unknown runs and steps, and steps that do not wait") {
  const std::string two_gates = R"(name: two
steps:
  - id: first
    type: approval
    inputs:
      count: {type: integer, required: true}
  - id: second
    needs: first
    type: approval
  - id: work
    needs: second
    run: "true"
)";
  TempDir dir;
  std::string state = (dir.path() / "state").string();
  std::string file = dir.write("two.yaml", two_gates).string();
  auto flowrun = [&](std::vector<std::string> args) {
    args.push_back("--state-dir");
    args.push_back(state);
    return run_flowrun(args, "", {{"USER", "ada"}});
  };
  REQUIRE(flowrun({"run", file, "--no-wait"}).exit_code == 3);
  struct Refusal {
    std::vector<std::string> args;
    std::string message;
  };
  for (const Refusal& refusal : std::vector<Refusal>{
           {{"approve", "last", "first", "-i", "count=many"},
            "step 'first': input 'count' (-i): 'many' is not an integer (its type)"},
           {{"approve", "last", "first", "-i", "cuont=1"},
            "step 'first': unknown input 'cuont' (-i): step 'first' declares 'count'; did you "
            "mean 'count'?"},
           {{"approve", "last", "first"},
            "step 'first': input 'count' is required and has no default: give it with -i "
            "count=VALUE"},
           {{"approve", "last", "first", "--output", "[1]"}, "--output must be a JSON object"},
           {{"approve", "last", "frist"}, "has no step 'frist'; did you mean 'first'?"},
           {{"approve", "last", "work"}, "step 'work' of run '"},
           {{"approve", "last", "second"}, "is not waiting for approval (it has not asked)"},
           {{"approve", "no-such-run", "first"}, "no run 'no-such-run'"},
       }) {
    CAPTURE(refusal.message);
    ProcessResult result = flowrun(refusal.args);
    CHECK(result.exit_code == 2);
    CHECK(has(result.err, refusal.message));
  }
  CHECK(flowrun({"approve", "last", "first", "-i", "count=3"}).exit_code == 0);
  ProcessResult twice = flowrun({"approve", "last", "first", "-i", "count=4"});
  CHECK(twice.exit_code == 2);
  CHECK(has(twice.err, "is no longer waiting for approval: approved by ada at"));
  // The resume applies the first answer and stops again at the second approval.
  ProcessResult resumed = flowrun({"resume", "last", "--no-wait", "--json"});
  CHECK(resumed.exit_code == 3);
  json summary = json::parse(resumed.out);
  CHECK(step(summary, "first")["outputs"]["count"] == "3");
  CHECK(step(summary, "second")["status"] == "waiting");
}

TEST_CASE("cancel ends a run that waits for an approval") {
  SUBCASE("a blocking run") {
    Gate gate;
    pid_t pid = gate.start({"run", gate.file(), "--json"});
    REQUIRE(wait_for([&] { return gate.waits(); }, 30));
    CHECK(gate.flowrun({"cancel", "last"}).exit_code == 0);
    CHECK(wait_exit(pid, 30) == 143);
    json summary = gate.summary();
    CHECK(summary["status"] == "cancelled");
    CHECK(step(summary, "gate")["status"] == "cancelled");
    CHECK(step(summary, "deploy")["status"] == "cancelled");
    ProcessResult late = gate.flowrun({"approve", "last", "gate", "-i", "ticket=X"});
    CHECK(late.exit_code == 2);
    CHECK(has(late.err, "is cancelled; nothing in it waits for approval"));
  }
  SUBCASE("a run stopped by --no-wait") {
    Gate gate;
    REQUIRE(gate.flowrun({"run", gate.file(), "--no-wait"}).exit_code == 3);
    CHECK(gate.flowrun({"cancel", "last"}).exit_code == 0);
    json summary = json::parse(gate.flowrun({"status", "last", "--json"}).out);
    CHECK(summary["status"] == "cancelled");
    CHECK(step(summary, "gate")["status"] == "cancelled");
  }
}

TEST_CASE("the approval_deploy example stops for its approval and deploys once approved") {
  TempDir dir;
  std::string state = (dir.path() / "state").string();
  std::string file = (source_dir() / "workflows" / "approval_deploy.yaml").string();
  auto flowrun = [&](std::vector<std::string> args) {
    args.push_back("--state-dir");
    args.push_back(state);
    return run_flowrun(args, "", {{"USER", "ada"}});
  };
  ProcessResult waiting = flowrun({"run", file, "--no-wait", "--json"});
  CHECK(waiting.exit_code == 3);
  CHECK(has(waiting.err, "waiting for approval: Deploy 1.4.2 to production?"));
  ProcessResult done = flowrun({"approve", "last", "approve", "-i", "ticket=CHG-1", "--resume"});
  CHECK(done.exit_code == 0);
  json summary = json::parse(flowrun({"status", "last", "--json"}).out);
  CHECK(summary["status"] == "succeeded");
  CHECK(read_text(step(summary, "deploy")["log"].get<std::string>()) ==
        "deploying 1.4.2 to production with 3 replicas (ticket CHG-1, approved by ada)\n");

  REQUIRE(flowrun({"run", file, "--no-wait"}).exit_code == 3);
  CHECK(flowrun({"approve", "last", "approve", "--reject", "--comment", "freeze", "--resume"})
            .exit_code == 0);
  json rejected = json::parse(flowrun({"status", "last", "--json"}).out);
  CHECK(rejected["status"] == "succeeded");
  CHECK(step(rejected, "deploy")["status"] == "skipped");
  CHECK(read_text(step(rejected, "announce")["log"].get<std::string>()) ==
        "deploy skipped; approval: approved=false by ada freeze\n");
}
