#include <doctest/doctest.h>
#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include "support/cli_runner.hpp"
#include "support/local_server.hpp"

// ASL Task states bound to plugins (`uses` + `with` in the --resources file), through the
// real binary against a real HTTP server on 127.0.0.1: built-in http and sqlite, an external
// plugin's request and response, plugin errors caught by name, timeouts and Parallel aborts.

namespace flowrun::test {
namespace {

using nlohmann::json;

struct AslRun {
  ProcessResult process;
  json summary;
};

AslRun run_machine(const TempDir& dir, const std::string& machine, const std::string& bindings,
                   const json& input) {
  auto machine_file = dir.write("machine.asl.json", machine);
  auto bindings_file = dir.write("bindings.yaml", bindings);
  AslRun run;
  run.process =
      run_flowrun({"run", machine_file.string(), "--resources", bindings_file.string(), "--input",
                   input.dump(), "--json", "--state-dir", (dir.path() / "state").string()});
  run.summary = json::parse(run.process.out, nullptr, false);
  return run;
}

json state_of(const json& summary, const std::string& name) {
  for (const auto& step : summary["steps"]) {
    if (step["id"] == name) return step;
  }
  return nullptr;
}

void write_plugin(const TempDir& dir, const std::string& name, const std::string& script) {
  std::filesystem::create_directories(dir.path() / "plugins");
  auto path = dir.write("plugins/flowrun-plugin-" + name, script);
  chmod(path.c_str(), 0755);
}

constexpr const char* kHttpBinding = "arn:aws:states:::http:invoke:\n  uses: http\n";

}  // namespace

TEST_CASE("an ASL Task bound to the http plugin gets the response as its result") {
  LocalServer server;
  TempDir dir;
  auto run = run_machine(dir, R"({"StartAt": "Fetch", "States": {
    "Fetch": {"Type": "Task", "Resource": "arn:aws:states:::http:invoke",
              "Parameters": {"url.$": "$.url"},
              "ResultSelector": {"status.$": "$.status", "items.$": "$.json.items"},
              "ResultPath": "$.fetched", "End": true}}})",
                         kHttpBinding, {{"url", server.url("/json")}});
  INFO(run.process.err);
  REQUIRE(run.process.exit_code == 0);
  CHECK(run.summary["output"]["fetched"] == json{{"status", 200}, {"items", {1, 2, 3}}});
  CHECK(run.summary["output"]["url"] == server.url("/json"));
  auto log = read_text(state_of(run.summary, "Fetch")["log"].get<std::string>());
  CHECK(log.find("http: GET " + server.url("/json") + " -> 200") != std::string::npos);
}

TEST_CASE("a plugin's error name is the Task's error: Catch and Retry can name it") {
  LocalServer server;
  TempDir dir;
  auto run = run_machine(dir, R"({"StartAt": "Call", "States": {
    "Call": {"Type": "Task", "Resource": "arn:aws:states:::http:invoke",
             "Parameters": {"url.$": "$.url"},
             "Retry": [{"ErrorEquals": ["HttpStatus"], "IntervalSeconds": 0, "MaxAttempts": 1}],
             "Catch": [{"ErrorEquals": ["HttpStatus"], "ResultPath": "$.caught",
                        "Next": "Handled"}],
             "End": true},
    "Handled": {"Type": "Pass", "End": true}}})",
                         kHttpBinding, {{"url", server.url("/status/503")}});
  INFO(run.process.err);
  REQUIRE(run.process.exit_code == 0);
  CHECK(run.summary["output"]["caught"]["Error"] == "HttpStatus");
  CHECK(run.summary["output"]["caught"]["Cause"].get<std::string>().find("answered 503") !=
        std::string::npos);
  CHECK(state_of(run.summary, "Call")["attempts"] == 2);
  CHECK(state_of(run.summary, "Handled")["status"] == "succeeded");
}

TEST_CASE("an external plugin bound to a Task gets the binding's with under the Task's input") {
  TempDir dir;
  write_plugin(dir, "echo", R"(#!/bin/sh
request=$(cat)
echo "plugin ran" >&2
printf '{"outputs": {"request": %s}}\n' "$request"
)");
  auto run = run_machine(dir, R"({"StartAt": "Echo", "States": {
    "Echo": {"Type": "Task", "Resource": "arn:local:echo",
             "Parameters": {"greeting.$": "$.greeting", "count": 2}, "End": true}}})",
                         "arn:local:echo:\n  uses: echo\n  with:\n    count: 1\n    fixed: kept\n",
                         {{"greeting", "hello; $(touch canary)"}});
  INFO(run.process.err);
  REQUIRE(run.process.exit_code == 0);
  const json request = run.summary["output"]["request"];
  CHECK(request["protocol"] == 1);
  CHECK(request["with"] ==
        json{{"count", 2}, {"fixed", "kept"}, {"greeting", "hello; $(touch canary)"}});
  CHECK(request["input"] == json{{"count", 2}, {"greeting", "hello; $(touch canary)"}});
  CHECK(request["step"] == json{{"id", "Echo"}, {"attempt", 1}});
  CHECK(request["run"]["id"] == run.summary["run_id"]);
  CHECK_FALSE(std::filesystem::exists(dir.path() / "canary"));
  auto log = read_text(state_of(run.summary, "Echo")["log"].get<std::string>());
  CHECK(log.find("plugin ran") != std::string::npos);
}

TEST_CASE("an external plugin's error response, bad output and absence fail the Task") {
  TempDir dir;
  write_plugin(dir, "refuse",
               "#!/bin/sh\ncat >/dev/null\n"
               "echo '{\"error\": \"Refused\", \"cause\": \"not today\"}'\n");
  write_plugin(dir, "garbage", "#!/bin/sh\ncat >/dev/null\necho 'not json'\n");
  const std::string bindings =
      "arn:refuse: {uses: refuse}\narn:garbage: {uses: garbage}\n"
      "arn:missing: {uses: nowhere}\n";
  struct Case {
    std::string resource;
    std::string error;
    std::string cause;
  };
  for (const Case& c :
       {Case{"arn:refuse", "Refused", "plugin 'refuse' failed: Refused: not today"},
        Case{"arn:garbage", "PluginInvalidResponse", "stdout is not JSON"},
        Case{"arn:missing", "States.TaskFailed", "no executable 'flowrun-plugin-nowhere'"}}) {
    CAPTURE(c.resource);
    auto run = run_machine(dir,
                           R"({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": ")" +
                               c.resource + R"(", "End": true}}})",
                           bindings, json::object());
    CHECK(run.process.exit_code == 1);
    CHECK(run.summary["error"] == c.error);
    CHECK(run.summary["cause"].get<std::string>().find(c.cause) != std::string::npos);
  }
}

TEST_CASE("a built-in call past TimeoutSeconds is States.Timeout; its Parallel sibling stops") {
  LocalServer server;
  TempDir dir;
  auto run = run_machine(
      dir, R"({"StartAt": "Both", "States": {
    "Both": {"Type": "Parallel", "End": true,
      "Catch": [{"ErrorEquals": ["States.Timeout"], "ResultPath": "$.error", "Next": "Count"}],
      "Branches": [
        {"StartAt": "Slow", "States": {"Slow": {"Type": "Task",
          "Resource": "arn:aws:states:::http:invoke", "Parameters": {"url.$": "$.slow"},
          "End": true}}},
        {"StartAt": "Limited", "States": {"Limited": {"Type": "Task",
          "Resource": "arn:aws:states:::http:invoke", "Parameters": {"url.$": "$.slow"},
          "TimeoutSeconds": 1, "End": true}}}]},
    "Count": {"Type": "Task", "Resource": "arn:local:sql",
              "Parameters": {"sql": "select 40 + 2 as answer"}, "End": true}}})",
      std::string(kHttpBinding) + "arn:local:sql:\n  uses: sqlite\n  with: {db: ':memory:'}\n",
      {{"slow", server.url("/slow?ms=20000")}});
  INFO(run.process.err);
  REQUIRE(run.process.exit_code == 0);
  CHECK(state_of(run.summary, "Limited")["status"] == "timed_out");
  CHECK(state_of(run.summary, "Slow")["status"] == "cancelled");
  CHECK(state_of(run.summary, "Both")["error"] == "States.Timeout");
  CHECK(run.summary["output"]["rows"] == json::array({{{"answer", 42}}}));
  CHECK(run.summary["duration_ms"].get<std::int64_t>() < 15000);  // not the 20 s the server waits
}

TEST_CASE("bindings: 'with' needs 'uses', and 'uses' is one action among run and cmd") {
  TempDir dir;
  auto machine = dir.write(
      "m.asl.json",
      R"({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:t", "End": true}}})");
  struct Case {
    std::string bindings;
    std::string message;
  };
  for (const Case& c :
       {Case{"arn:t:\n  run: echo\n  with: {a: 1}\n",
             "bindings.yaml:3:3: error: 'with' belongs to a plugin: the binding of 'arn:t' has "
             "no 'uses'"},
        Case{"arn:t:\n  run: echo\n  uses: http\n",
             "bindings.yaml:1:1: error: the binding of 'arn:t' needs exactly one of 'run', 'cmd' "
             "or 'uses'"},
        Case{"arn:t:\n  uses: http\n  with: [1]\n",
             "bindings.yaml:3:9: error: 'with' must be a mapping of the plugin's inputs"}}) {
    auto bindings = dir.write("bindings.yaml", c.bindings);
    ProcessResult result = run_flowrun({"run", machine.string(), "--resources", bindings.string(),
                                        "--state-dir", dir.path().string()});
    CHECK(result.exit_code == 2);
    CHECK_MESSAGE(result.err.find(c.message) != std::string::npos, result.err);
  }
}

}  // namespace flowrun::test
