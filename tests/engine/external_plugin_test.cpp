#include <doctest/doctest.h>
#include <sys/stat.h>

#include "engine/plugin_fixture.hpp"

using namespace flowrun;
using namespace flowrun::test;

namespace {

// Writes an executable `plugins/flowrun-plugin-<name>` beside the fixture's workflow.
void write_plugin(EngineFixture& fx, const std::string& name, const std::string& script) {
  std::filesystem::create_directories(fx.dir.path() / "plugins");
  auto path = fx.dir.write("plugins/flowrun-plugin-" + name, "#!/bin/sh\n" + script);
  chmod(path.c_str(), 0755);
}

}  // namespace

TEST_CASE("an external plugin gets one JSON request on stdin and its outputs are the step's") {
  EngineFixture fx;
  write_plugin(fx, "echo",
               "cat > \"$FLOWRUN_OUTPUT.request\"\n"
               "echo \"plugin stderr for $FLOWRUN_STEP\" >&2\n"
               "echo '{\"outputs\": {\"greeting\": \"hi\", \"n\": 3, \"list\": [1]}}'\n");
  fx.options.params = {{"who", "world; rm -rf /"}, {"count", 2}};
  fx.workflow.steps.push_back(run_step("first", "echo 'v=42' >> \"$FLOWRUN_OUTPUT\""));
  fx.workflow.steps.push_back(
      plugin_step("call", "echo",
                  {{"who", "${{ params.who }}"},
                   {"count", "${{ params.count }}"},
                   {"nested", {{"text", "n=${{ steps.first.outputs.v }}"}, {"flag", true}}}},
                  {"first"}));
  fx.workflow.steps.push_back(run_step("after", "echo ${{ steps.call.outputs.n }}", {"call"}));
  fx.run();
  REQUIRE(fx.step("call").status == StepStatus::Succeeded);
  StepOutputs expected = {{"greeting", "hi"}, {"list", "[1]"}, {"n", "3"}};
  CHECK(fx.details("call")->outputs == expected);
  CHECK(fx.log_of("call") == "plugin stderr for call\n");
  CHECK(fx.log_of("after") == "3\n");
  auto request =
      nlohmann::json::parse(read_text(fx.state.run_dir + "/steps/call.attempt-1.output.request"));
  CHECK(request["protocol"] == 1);
  // A single expression keeps its JSON type; values never go through a shell.
  CHECK(request["with"] == nlohmann::json{{"who", "world; rm -rf /"},
                                          {"count", 2},
                                          {"nested", {{"text", "n=42"}, {"flag", true}}}});
  CHECK(request["input"].is_null());
  CHECK(request["run"] == nlohmann::json{{"id", fx.state.run_id}, {"workflow", "test"}});
  CHECK(request["step"] == nlohmann::json{{"id", "call"}, {"attempt", 1}});
}

TEST_CASE("an error response fails the step with the plugin's error and cause") {
  EngineFixture fx;
  write_plugin(fx, "refuse",
               "echo '{\"error\": \"Forbidden\", \"cause\": \"no access to bucket x\"}'\nexit 3\n");
  fx.workflow.steps.push_back(plugin_step("call", "refuse"));
  fx.run();
  CHECK(fx.step("call").status == StepStatus::Failed);
  CHECK(fx.step("call").exit_code == 3);
  CHECK(fx.details("call")->cause ==
        "plugin 'refuse' failed (exit code 3): Forbidden: no access to bucket x");
}

TEST_CASE("garbage on stdout fails the step with a cause naming the plugin") {
  EngineFixture fx;
  write_plugin(fx, "garbage", "cat >/dev/null; echo 'hello, this is not json'\n");
  write_plugin(fx, "silent", "cat >/dev/null\n");
  write_plugin(fx, "array", "echo '[1,2]'\n");
  write_plugin(fx, "extra", "echo '{\"outputs\": {}, \"result\": 1}'\n");
  fx.workflow.steps.push_back(plugin_step("a", "garbage"));
  fx.workflow.steps.push_back(plugin_step("b", "silent"));
  fx.workflow.steps.push_back(plugin_step("c", "array"));
  fx.workflow.steps.push_back(plugin_step("d", "extra"));
  fx.run();
  for (const char* id : {"a", "b", "c", "d"}) CHECK(fx.step(id).status == StepStatus::Failed);
  CHECK(fx.details("a")->cause ==
        "plugin 'garbage' returned an invalid response: stdout is not JSON: 'hello, this is not "
        "json'");
  CHECK(fx.details("b")->cause.find("plugin 'silent' returned an invalid response: nothing on "
                                    "stdout") == 0);
  CHECK(fx.details("c")->cause ==
        "plugin 'array' returned an invalid response: stdout is not a JSON object: '[1,2]'");
  CHECK(fx.details("d")->cause ==
        "plugin 'extra' returned an invalid response: unknown key "
        "'result' (expected 'outputs' or 'error')");
  CHECK(fx.log_of("a").find("plugin 'garbage' returned an invalid response") != std::string::npos);
}

TEST_CASE("a hanging plugin is killed by the step's timeout, with its process group") {
  EngineFixture fx;
  write_plugin(fx, "hang", "sleep 30 &\necho $! > \"$FLOWRUN_OUTPUT.pid\"\nwait\n");
  Step step = plugin_step("call", "hang");
  step.edit_extra().timeout = Duration{300};
  step.edit_extra().kill_grace = Duration{200};
  fx.workflow.steps.push_back(step);
  fx.run();
  CHECK(fx.step("call").status == StepStatus::TimedOut);
  CHECK(fx.details("call")->cause == "attempt 1 timed out after 300ms");
  pid_t child = read_pid(fx.state.run_dir + "/steps/call.attempt-1.output.pid");
  CHECK(child > 0);
  CHECK(wait_gone(child));
}

TEST_CASE("a failing plugin is retried by the step's policy with a new attempt number") {
  EngineFixture fx;
  write_plugin(fx, "flaky",
               "if [ \"$FLOWRUN_ATTEMPT\" -lt 2 ]; then echo '{\"error\": \"Busy\"}'; exit 1; fi\n"
               "echo '{\"outputs\": {\"attempt\": '$FLOWRUN_ATTEMPT'}}'\n");
  Step step = plugin_step("call", "flaky");
  step.edit_extra().retry = RetryPolicy{};
  step.edit_extra().retry->attempts = 3;
  fx.workflow.steps.push_back(step);
  fx.run();
  CHECK(fx.step("call").status == StepStatus::Succeeded);
  CHECK(fx.step("call").attempts == 2);
  CHECK(fx.details("call")->outputs == StepOutputs{{"attempt", "2"}});
}

TEST_CASE("plugins are found in FLOWRUN_PLUGIN_PATH first, then plugins/, then PATH") {
  EngineFixture fx;
  write_plugin(fx, "where", "echo '{\"outputs\": {\"from\": \"plugins\"}}'\n");
  TempDir other;
  auto path = other.write("flowrun-plugin-where",
                          "#!/bin/sh\necho '{\"outputs\": {\"from\": \"plugin path\"}}'\n");
  chmod(path.c_str(), 0755);
  fx.workflow.steps.push_back(plugin_step("call", "where"));
  fx.workflow.steps.push_back(plugin_step("missing", "nowhere"));
  SUBCASE("plugins/ beside the workflow") {
    fx.run();
    CHECK(fx.details("call")->outputs == StepOutputs{{"from", "plugins"}});
  }
  SUBCASE("FLOWRUN_PLUGIN_PATH wins") {
    fx.options.environment.push_back("FLOWRUN_PLUGIN_PATH=" + other.path().string());
    fx.run();
    CHECK(fx.details("call")->outputs == StepOutputs{{"from", "plugin path"}});
  }
  CHECK(fx.step("missing").status == StepStatus::Failed);
  CHECK(fx.details("missing")->cause ==
        "plugin 'nowhere' not found: no executable 'flowrun-plugin-nowhere' in "
        "$FLOWRUN_PLUGIN_PATH, the workflow's plugins/ folder or $PATH");
}
