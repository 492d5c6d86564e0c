#include <doctest/doctest.h>
#include <signal.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "support/background.hpp"
#include "support/cli_runner.hpp"

// `flowrun run` on ASL files through the real binary: the examples of workflows/, bindings
// and mock problems, history event names, and task tokens answered from another process.

namespace flowrun::test {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

std::string example(const std::string& name) {
  return (source_dir() / "workflows" / name).string();
}

// `@FILE` for --input (appending, not `"@" + ...`, which GCC 12 warns about wrongly).
std::string input_file(const std::string& name) {
  std::string out = "@";
  out += example(name);
  return out;
}

json summary_of(const ProcessResult& result) {
  json summary = json::parse(result.out, nullptr, false);
  REQUIRE_FALSE(summary.is_discarded());
  return summary;
}

}  // namespace

TEST_CASE("the order processing example charges, fulfils and ships with its bindings") {
  TempDir dir;
  ProcessResult result = run_flowrun({"run", example("order_processing.asl.json"), "--input",
                                      input_file("asl/order_input.json"), "--resources",
                                      example("asl/order_processing.bindings.yaml"), "--json",
                                      "--state-dir", dir.path().string()});
  INFO(result.err);
  CHECK(result.exit_code == 0);
  json summary = summary_of(result);
  CHECK(summary["status"] == "succeeded");
  CHECK(summary["output"]["validation"] == json{{"valid", true}, {"total", 45}});
  CHECK(summary["output"]["payment"]["charged"] == 45);
  CHECK(summary["output"]["shipment"]["Payload"]["tracking"] == "TRK-A-1001");
  CHECK(summary["output"]["fulfilment"].size() == 2);
  CHECK(summary["steps"].back()["id"] == "OrderComplete");
}

TEST_CASE("a declined card is caught and ends the order example in its Fail state") {
  TempDir dir;
  ProcessResult result = run_flowrun({"run", example("order_processing.asl.json"), "--input",
                                      input_file("asl/order_declined.json"), "--resources",
                                      example("asl/order_processing.bindings.yaml"), "--json",
                                      "--state-dir", dir.path().string()});
  CHECK(result.exit_code == 1);
  json summary = summary_of(result);
  CHECK(summary["status"] == "failed");
  CHECK(summary["error"] == "OrderRejected");
  CHECK(summary["output"].is_null());
  bool charge_failed = false;
  for (const json& step : summary["steps"]) {
    if (step["id"] == "ChargePayment") charge_failed = step["error"] == "CardDeclined";
  }
  CHECK(charge_failed);
}

TEST_CASE("the Map example runs its mocked test cases, including a retried throttle") {
  for (const char* test_case : {"HappyPath", "Throttled"}) {
    CAPTURE(test_case);
    TempDir dir;
    ProcessResult result = run_flowrun({"run", example("map_items.asl.json"), "--input",
                                        input_file("asl/map_items_input.json"), "--mock-config",
                                        example("asl/map_items.mock.json"), "--test-case",
                                        test_case, "--json", "--state-dir", dir.path().string()});
    INFO(result.err);
    CHECK(result.exit_code == 0);
    json summary = summary_of(result);
    CHECK(summary["output"] ==
          json{{"album", "holidays"},
               {"count", 2},
               {"thumbnails",
                {{{"thumbnail", "s3://thumbs/a.jpg"}}, {{"thumbnail", "s3://thumbs/b.jpg"}}}}});
    json indexes = json::array();
    for (const json& step : summary["steps"]) {
      if (step["id"] == "Resize") indexes.push_back(step["item_index"]);
    }
    CHECK(indexes == json{0, 1});
  }
}

TEST_CASE("a Task without binding or mock is reported at its resource before anything runs") {
  TempDir dir;
  ProcessResult result = run_flowrun(
      {"run", example("order_processing.asl.json"), "--state-dir", dir.path().string()});
  CHECK(result.exit_code == 2);
  CHECK(result.err.find("error: Task state 'ValidateOrder' has no binding for resource "
                        "'arn:aws:states:::lambda:invoke'") != std::string::npos);
  CHECK(result.err.find("order_processing.asl.json:9:") != std::string::npos);
  CHECK_FALSE(fs::exists(dir.path() / "runs"));
}

TEST_CASE("a bindings file with a wrong key names the file, line and key") {
  TempDir dir;
  auto bindings = dir.write("bindings.yaml", "arn:t:\n  runn: echo\n");
  auto machine = dir.write(
      "m.asl.json",
      R"({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:t", "End": true}}})");
  ProcessResult result = run_flowrun({"run", machine.string(), "--resources", bindings.string(),
                                      "--state-dir", dir.path().string()});
  CHECK(result.exit_code == 2);
  CHECK(result.err.find("bindings.yaml:2:3: error: unknown key 'runn'") != std::string::npos);
}

TEST_CASE("-p on an ASL file and a missing test case are usage errors") {
  TempDir dir;
  auto machine = dir.write("m.asl.json",
                           R"({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}})");
  CHECK(run_flowrun({"run", machine.string(), "-p", "a=1", "--state-dir", dir.path().string()})
            .exit_code == 2);
  auto mocks = dir.write("mocks.json", R"({"StateMachines": {"m": {"TestCases": {}}}})");
  ProcessResult result = run_flowrun({"run", machine.string(), "--mock-config", mocks.string(),
                                      "--test-case", "Nope", "--state-dir", dir.path().string()});
  CHECK(result.exit_code == 2);
  CHECK(result.err.find("has no test case 'Nope'") != std::string::npos);
}

TEST_CASE("flowrun history shows an ASL run with Step Functions event names") {
  TempDir dir;
  auto machine = dir.write("m.asl.json", R"({"StartAt": "T", "States": {
    "T": {"Type": "Task", "Resource": "arn:t", "Next": "M"},
    "M": {"Type": "Map", "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}, "End": true}}})");
  auto bindings = dir.write("b.yaml", "arn:t: echo '[1, 2]'\n");
  std::string state = dir.path().string();
  REQUIRE(
      run_flowrun({"run", machine.string(), "--resources", bindings.string(), "--state-dir", state})
          .exit_code == 0);
  ProcessResult history = run_flowrun({"history", "last", "--json", "--state-dir", state});
  REQUIRE(history.exit_code == 0);
  std::vector<std::string> types;
  for (const json& event : json::parse(history.out)) types.push_back(event["type"]);
  std::vector<std::string> expected = {
      "ExecutionStarted",      "TaskStateEntered",    "TaskScheduled",     "TaskStarted",
      "TaskSucceeded",         "TaskStateExited",     "MapStateEntered",   "MapStateStarted",
      "MapIterationStarted",   "MapIterationStarted", "PassStateEntered",  "PassStateExited",
      "MapIterationSucceeded", "PassStateEntered",    "PassStateExited",   "MapIterationSucceeded",
      "MapStateSucceeded",     "MapStateExited",      "ExecutionSucceeded"};
  CHECK(types == expected);
  json first = json::parse(history.out)[0];
  CHECK(first["id"] == 1);
  CHECK(json::parse(first["detail"].get<std::string>())["input"] == json::object());
}

TEST_CASE("a callback Task waits for task-success or task-failure from another process") {
  for (bool approve : {true, false}) {
    CAPTURE(approve);
    TempDir dir;
    std::string state = (dir.path() / "state").string();
    std::string inbox = (dir.path() / "inbox").string();
    setenv("APPROVAL_INBOX", inbox.c_str(), 1);
    pid_t pid = start_flowrun(
        {"run", example("callback_approval.asl.json"), "--input",
         input_file("asl/callback_input.json"), "--resources",
         example("asl/callback_approval.bindings.yaml"), "--json", "--state-dir", state},
        dir.path() / "run");
    unsetenv("APPROVAL_INBOX");
    std::string message_file;
    REQUIRE(wait_for(
        [&] {
          if (!fs::exists(inbox)) return false;
          for (const auto& entry : fs::directory_iterator(inbox)) message_file = entry.path();
          return !message_file.empty() && !read_text(message_file).empty();
        },
        30));
    json message = json::parse(read_text(message_file));
    std::string token = message["MessageBody"]["token"];
    CHECK(message["MessageBody"]["change"] == "raise the connection pool to 50");
    ProcessResult answer = approve
                               ? run_flowrun({"task-success", token, "--output",
                                              R"({"approver": "ada"})", "--state-dir", state})
                               : run_flowrun({"task-failure", token, "--error", "ChangeRejected",
                                              "--cause", "not this week", "--state-dir", state});
    CHECK(answer.exit_code == 0);
    int code = wait_exit(pid, 30);
    json summary = json::parse(read_text(dir.path() / "run.out"));
    if (approve) {
      CHECK(code == 0);
      CHECK(summary["output"] == json{{"change", "raise the connection pool to 50"},
                                      {"approvedBy", "ada"},
                                      {"status", "deployed"}});
    } else {
      CHECK(code == 1);
      CHECK(summary["error"] == "ChangeRejected");
      CHECK(summary["cause"] == "not this week");
    }
    // A used token, or one of a finished run, is refused.
    ProcessResult again =
        run_flowrun({"task-success", token, "--output", "{}", "--state-dir", state});
    CHECK(again.exit_code == 2);
    ProcessResult history = run_flowrun({"history", "last", "--state-dir", state});
    CHECK(history.out.find(approve ? "TaskTokenSuccess" : "TaskTokenFailure") != std::string::npos);
  }
}

TEST_CASE("task-heartbeat keeps a Task with HeartbeatSeconds alive") {
  TempDir dir;
  std::string state = (dir.path() / "state").string();
  auto machine = dir.write("m.asl.json", R"({"StartAt": "T", "States": {
    "T": {"Type": "Task", "Resource": "arn:t", "HeartbeatSeconds": 1, "End": true}}})");
  std::string beat = "flowrun task-heartbeat \"$FLOWRUN_TASK_TOKEN\" --state-dir " + state;
  auto bindings = dir.write("b.yaml", "arn:t:\n  run: 'for i in 1 2 3 4; do sleep 0.4; " + beat +
                                          "; done; echo \\\"done\\\"'\n");
  std::string path = fs::path(flowrun_binary()).parent_path().string() + ":" + getenv("PATH");
  ProcessResult result = run_flowrun(
      {"run", machine.string(), "--resources", bindings.string(), "--json", "--state-dir", state},
      "", {{"PATH", path}});
  INFO(result.err);
  CHECK(result.exit_code == 0);
  CHECK(summary_of(result)["output"] == "done");
}

}  // namespace flowrun::test

namespace flowrun::test {

TEST_CASE("status shows a recorded ASL run; resume with --from is refused with a clear error") {
  TempDir dir;
  std::string state = dir.path().string();
  auto machine = dir.write("m.asl.json", R"({"StartAt": "F", "States": {
    "F": {"Type": "Fail", "Error": "Nope", "Cause": "on purpose"}}})");
  REQUIRE(run_flowrun({"run", machine.string(), "--state-dir", state}).exit_code == 1);
  ProcessResult status = run_flowrun({"status", "last", "--json", "--state-dir", state});
  CHECK(status.exit_code == 0);
  json summary = json::parse(status.out);
  CHECK(summary["status"] == "failed");
  CHECK(summary["error"] == "Nope");
  CHECK(summary["steps"][0]["type"] == "Fail");
  ProcessResult text = run_flowrun({"status", "last", "--state-dir", state});
  CHECK(text.out.find("error: Nope: on purpose") != std::string::npos);
  ProcessResult resume = run_flowrun({"resume", "last", "--from", "F", "--state-dir", state});
  CHECK(resume.exit_code == 2);
  CHECK(resume.err.find("Amazon States Language") != std::string::npos);
}

TEST_CASE("the JSONata order quote example prices its lines through bindings and discounts") {
  TempDir dir;
  std::string state = dir.path().string();
  ProcessResult result = run_flowrun(
      {"run", example("order_quote.asl.json"), "--input", input_file("asl/order_quote_input.json"),
       "--resources", example("asl/order_quote.bindings.yaml"), "--json", "--state-dir", state});
  INFO(result.err);
  CHECK(result.exit_code == 0);
  json summary = summary_of(result);
  CHECK(summary["status"] == "succeeded");
  CHECK(summary["output"] == json::parse(R"({"customer": "Ada", "currency": "EUR",
      "discount": 0.1, "total": 130.5, "lines": [{"sku": "BOOK-1", "quantity": 2, "total": 25},
      {"sku": "LAMP-2", "quantity": 3, "total": 120}]})"));
  // The Task's Arguments are its action's stdin and the TaskScheduled event's parameters.
  ProcessResult history = run_flowrun({"history", "last", "--json", "--state-dir", state});
  REQUIRE(history.exit_code == 0);
  std::vector<json> scheduled;
  json assigned;
  for (const json& event : json::parse(history.out)) {
    json detail = json::parse(event["detail"].get<std::string>());
    if (event["type"] == "TaskScheduled") scheduled.push_back(detail["parameters"]);
    if (event["type"] == "PassStateExited" && event["step"] == "Remember customer") {
      assigned = detail["assignedVariables"];
    }
  }
  // JSONata's Assign is recorded like JSONPath's, for a redrive to give the variables back.
  CHECK(assigned == json{{"customer", "\"Ada\""}, {"currency", "\"EUR\""}});
  std::sort(scheduled.begin(), scheduled.end());
  CHECK(scheduled == std::vector<json>{json{{"sku", "BOOK-1"}}, json{{"sku", "LAMP-2"}}});
}

TEST_CASE("an unknown product is caught by the JSONata example and fails it with its cause") {
  TempDir dir;
  ProcessResult result = run_flowrun({"run", example("order_quote.asl.json"), "--input",
                                      input_file("asl/order_quote_unknown.json"), "--resources",
                                      example("asl/order_quote.bindings.yaml"), "--json",
                                      "--state-dir", dir.path().string()});
  CHECK(result.exit_code == 1);
  json summary = summary_of(result);
  CHECK(summary["error"] == "QuoteRefused");
  CHECK(summary["cause"] == "no quote for Bob: no price for BOAT-9");
}

TEST_CASE("validate points at a JSONata syntax error; run refuses the file with exit 2") {
  TempDir dir;
  auto machine = dir.write("m.asl.json", R"({"QueryLanguage": "JSONata", "StartAt": "P",
  "States": {
    "P": {"Type": "Pass", "Output": "{% $states.input.a + %}", "End": true}}})");
  ProcessResult validate = run_flowrun({"validate", machine.string(), "--format", "json"});
  CHECK(validate.exit_code == 2);
  json diagnostics = json::parse(validate.out, nullptr, false);
  INFO(validate.out);
  REQUIRE(diagnostics.dump().find("asl-invalid-jsonata") != std::string::npos);
  ProcessResult text = run_flowrun({"validate", machine.string()});
  CHECK(text.exit_code == 2);
  CHECK(text.err.find("m.asl.json:3:59: error: Output of state 'P' is not a valid JSONata "
                      "expression") != std::string::npos);
  ProcessResult run = run_flowrun({"run", machine.string(), "--state-dir", dir.path().string()});
  CHECK(run.exit_code == 2);
}

}  // namespace flowrun::test

namespace flowrun::test {

TEST_CASE("SIGTERM stops an ASL run, its Task processes, and records it cancelled") {
  TempDir dir;
  std::string state = (dir.path() / "state").string();
  std::string pid_file = (dir.path() / "task.pid").string();
  auto machine = dir.write("m.asl.json", R"({"StartAt": "T", "States": {
    "T": {"Type": "Task", "Resource": "arn:t", "End": true}}})");
  auto bindings =
      dir.write("b.yaml", "arn:t:\n  run: 'echo $$ > " + pid_file + "; exec sleep 60'\n");
  pid_t pid = start_flowrun(
      {"run", machine.string(), "--resources", bindings.string(), "--json", "--state-dir", state},
      dir.path() / "run");
  REQUIRE(wait_for([&] { return !read_text(pid_file).empty(); }, 30));
  pid_t task = std::stoi(read_text(pid_file));
  kill(pid, SIGTERM);
  CHECK(wait_exit(pid, 30) == 143);
  CHECK(wait_for([&] { return kill(task, 0) != 0; }, 10));
  json summary = json::parse(read_text(dir.path() / "run.out"));
  CHECK(summary["status"] == "cancelled");
  CHECK(summary["steps"][0]["status"] == "cancelled");
  ProcessResult history = run_flowrun({"history", "last", "--state-dir", state});
  CHECK(history.out.find("TaskStateAborted") != std::string::npos);
  CHECK(history.out.find("ExecutionAborted") != std::string::npos);
}

}  // namespace flowrun::test

namespace flowrun::test {

TEST_CASE("run --no-history runs an ASL machine, prints its summary and records nothing") {
  TempDir dir;
  std::string state = (dir.path() / "state").string();
  auto machine = dir.write("m.asl.json", R"j({"StartAt": "Loop", "States": {
    "Loop": {"Type": "Pass", "Parameters": {"n.$": "States.MathAdd($.n, 1)"}, "Next": "Check"},
    "Check": {"Type": "Choice", "Choices": [{"Variable": "$.n", "NumericGreaterThanEquals": 1000,
              "Next": "Done"}], "Default": "Loop"},
    "Done": {"Type": "Succeed"}}})j");
  ProcessResult run = run_flowrun({"run", machine.string(), "--input", R"({"n": 0})",
                                   "--no-history", "--json", "--state-dir", state});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  nlohmann::json summary = nlohmann::json::parse(run.out);
  CHECK(summary["status"] == "succeeded");
  CHECK(summary["output"] == nlohmann::json{{"n", 1000}});
  CHECK(summary["steps"].size() == 2001);
  CHECK(summary["steps"].back()["id"] == "Done");
  ProcessResult history = run_flowrun({"history", summary["run_id"], "--state-dir", state});
  CHECK(history.exit_code != 0);
}

}  // namespace flowrun::test
