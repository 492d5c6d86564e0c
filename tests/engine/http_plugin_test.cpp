#include <doctest/doctest.h>

#include "engine/plugin_fixture.hpp"
#include "support/local_server.hpp"

using namespace flowrun;
using namespace flowrun::test;

namespace {

Step http_step(std::string id, nlohmann::json with) {
  return plugin_step(std::move(id), "http", std::move(with));
}

}  // namespace

TEST_CASE("http: status, headers, body and parsed JSON of a real local server") {
  LocalServer server;
  EngineFixture fx;
  fx.workflow.steps.push_back(http_step("get", {{"url", server.url("/json")}}));
  fx.workflow.steps.push_back(http_step("echo", {{"url", server.url("/echo")},
                                                 {"method", "put"},
                                                 {"headers", {{"X-Trace", "abc"}}},
                                                 {"query", {{"q", "a b&c"}, {"n", 3}}},
                                                 {"json", {{"name", "flowrun"}, {"n", 1}}}}));
  fx.workflow.steps.push_back(run_step(
      "use",
      "echo '${{ fromJSON(steps.get.outputs.json).items[1] }}' ${{ steps.get.outputs.status }}",
      {"get"}));
  fx.run();
  REQUIRE(fx.step("get").status == StepStatus::Succeeded);
  CHECK(output_of(fx, "get", "status") == "200");
  CHECK(nlohmann::json::parse(output_of(fx, "get", "json")) ==
        nlohmann::json{{"ok", true}, {"items", {1, 2, 3}}});
  CHECK(nlohmann::json::parse(output_of(fx, "get", "headers"))["content-type"] ==
        "application/json");
  CHECK(fx.log_of("use") == "2 200\n");
  CHECK(fx.log_of("get").find("flowrun: http: GET " + server.url("/json") + " -> 200") == 0);
  REQUIRE(fx.step("echo").status == StepStatus::Succeeded);
  auto echo = nlohmann::json::parse(output_of(fx, "echo", "json"));
  CHECK(echo["method"] == "PUT");
  CHECK(echo["query"] == nlohmann::json{{"q", "a b&c"}, {"n", "3"}});
  CHECK(echo["headers"]["x-trace"] == "abc");
  CHECK(echo["headers"]["content-type"] == "application/json");
  CHECK(nlohmann::json::parse(echo["body"].get<std::string>()) ==
        nlohmann::json{{"name", "flowrun"}, {"n", 1}});
}

TEST_CASE("http: an unexpected status fails the step; expect_status takes lists and ranges") {
  LocalServer server;
  EngineFixture fx;
  fx.workflow.steps.push_back(http_step("missing", {{"url", server.url("/status/404")}}));
  fx.workflow.steps.push_back(
      http_step("listed", {{"url", server.url("/status/404")}, {"expect_status", {200, 404}}}));
  fx.workflow.steps.push_back(
      http_step("ranged", {{"url", server.url("/status/503")}, {"expect_status", "500-599"}}));
  fx.workflow.steps.push_back(
      http_step("bad", {{"url", server.url("/status/200")}, {"expect_status", "two hundred"}}));
  fx.run();
  CHECK(fx.step("missing").status == StepStatus::Failed);
  CHECK(cause_of(fx, "missing") ==
        "http: GET " + server.url("/status/404") + " answered 404 (expected 2xx): status 404 ");
  CHECK(fx.step("listed").status == StepStatus::Succeeded);
  CHECK(output_of(fx, "listed", "status") == "404");
  CHECK(fx.step("ranged").status == StepStatus::Succeeded);
  CHECK(fx.step("bad").status == StepStatus::Failed);
  CHECK(cause_of(fx, "bad").find("http: 'expect_status' must be") == 0);
}

TEST_CASE("http: redirects are followed unless follow_redirects is false") {
  LocalServer server;
  EngineFixture fx;
  fx.workflow.steps.push_back(http_step("follow", {{"url", server.url("/redirect")}}));
  fx.workflow.steps.push_back(http_step(
      "stay",
      {{"url", server.url("/redirect")}, {"follow_redirects", false}, {"expect_status", 302}}));
  fx.run();
  CHECK(output_of(fx, "follow", "status") == "200");
  CHECK(output_of(fx, "follow", "url") == server.url("/status/200"));
  CHECK(output_of(fx, "stay", "status") == "302");
  CHECK(nlohmann::json::parse(output_of(fx, "stay", "headers"))["location"] == "/status/200");
}

TEST_CASE("http: a slow server hits the request timeout; a step timeout stops the call") {
  LocalServer server;
  EngineFixture fx;
  fx.workflow.steps.push_back(
      http_step("request", {{"url", server.url("/slow?ms=3000")}, {"timeout", "300ms"}}));
  Step step = http_step("step", {{"url", server.url("/slow?ms=3000")}});
  step.edit_extra().timeout = Duration{300};
  fx.workflow.steps.push_back(step);
  fx.workflow.steps.push_back(run_step("meanwhile", "echo ran"));
  fx.run();
  CHECK(fx.step("request").status == StepStatus::Failed);
  CHECK(cause_of(fx, "request") ==
        "http: GET " + server.url("/slow?ms=3000") + " timed out after 300ms");
  CHECK(fx.step("step").status == StepStatus::TimedOut);
  CHECK(cause_of(fx, "step") == "attempt 1 timed out after 300ms");
  CHECK(fx.step("meanwhile").status == StepStatus::Succeeded);
}

TEST_CASE("http: a 429 with Retry-After is retried by the step's policy after that delay") {
  LocalServer server;
  EngineFixture fx;
  Step step = http_step("call", {{"url", server.url("/retry-after?key=a&after=1")}});
  step.edit_extra().retry = RetryPolicy{};
  step.edit_extra().retry->attempts = 2;
  fx.workflow.steps.push_back(step);
  auto started = std::chrono::steady_clock::now();
  fx.run();
  auto waited = std::chrono::steady_clock::now() - started;
  CHECK(fx.step("call").status == StepStatus::Succeeded);
  CHECK(fx.step("call").attempts == 2);
  CHECK(fx.log_of("call", 1).find("answered 429") != std::string::npos);
  // The policy has no delay: only Retry-After made it wait (a lower bound, not a timing).
  CHECK(waited >= std::chrono::milliseconds(900));
}

TEST_CASE("http: a large body goes to a file whose path is an output") {
  LocalServer server;
  EngineFixture fx;
  fx.workflow.steps.push_back(http_step("big", {{"url", server.url("/large?bytes=3000000")}}));
  fx.workflow.steps.push_back(
      http_step("small", {{"url", server.url("/large?bytes=100")}, {"max_body", 1000}}));
  fx.run();
  REQUIRE(fx.step("big").status == StepStatus::Succeeded);
  CHECK(output_of(fx, "big", "body") == "<missing>");
  CHECK(output_of(fx, "big", "body_size") == "3000000");
  std::string file = output_of(fx, "big", "body_file");
  CHECK(file == fx.state.run_dir + "/steps/big.attempt-1.body");
  CHECK(read_text(file) == std::string(3000000, 'x'));
  CHECK(mode_of(file) == 0600);
  CHECK(output_of(fx, "small", "body") == std::string(100, 'x'));
}

TEST_CASE("http: a server that closes the connection or is not there fails with curl's reason") {
  LocalServer server;
  EngineFixture fx;
  fx.workflow.steps.push_back(http_step("closed", {{"url", server.url("/close")}}));
  fx.workflow.steps.push_back(http_step("refused", {{"url", "http://127.0.0.1:1/"}}));
  fx.workflow.steps.push_back(http_step("no-url", nlohmann::json::object()));
  fx.run();
  CHECK(fx.step("closed").status == StepStatus::Failed);
  CHECK(cause_of(fx, "closed").find("http: GET " + server.url("/close") + " failed: ") == 0);
  CHECK(fx.step("refused").status == StepStatus::Failed);
  CHECK(cause_of(fx, "refused").find("http: GET http://127.0.0.1:1/ failed: ") == 0);
  CHECK(cause_of(fx, "no-url").find("http: 'with.url' is required") == 0);
}

TEST_CASE("http: the step environment's proxy settings are used") {
  LocalServer server;
  EngineFixture fx;
  // A proxy that does not exist: the request fails through it, unless no_proxy exempts the host.
  fx.options.environment.push_back("http_proxy=http://127.0.0.1:1");
  fx.workflow.steps.push_back(http_step("proxied", {{"url", server.url("/status/200")}}));
  Step exempt = http_step("exempt", {{"url", server.url("/status/200")}});
  exempt.env.push_back(EnvVar{"no_proxy", "127.0.0.1", {}, {}});
  fx.workflow.steps.push_back(exempt);
  fx.run();
  CHECK(fx.step("proxied").status == StepStatus::Failed);
  CHECK(fx.step("exempt").status == StepStatus::Succeeded);
}
