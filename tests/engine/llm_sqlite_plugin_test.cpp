#include <doctest/doctest.h>

#include "engine/plugin_fixture.hpp"
#include "support/local_server.hpp"

using namespace flowrun;
using namespace flowrun::test;

TEST_CASE("llm: the chat-completions request carries model, system, prompt and settings") {
  LocalServer server;
  EngineFixture fx;
  fx.options.environment.push_back("FLOWRUN_LLM_BASE_URL=" + server.url("/v1"));
  fx.options.params = {{"ticket", "Printer on fire"}};
  fx.workflow.steps.push_back(plugin_step("ask", "llm",
                                          {{"model", "test-model"},
                                           {"system", "Be brief."},
                                           {"prompt", "Summarise: ${{ params.ticket }}"},
                                           {"temperature", 0.2},
                                           {"max_tokens", 50}}));
  fx.run();
  REQUIRE(fx.step("ask").status == StepStatus::Succeeded);
  CHECK(output_of(fx, "ask", "text") == "echo: Summarise: Printer on fire");
  auto usage = nlohmann::json::parse(output_of(fx, "ask", "usage"));
  CHECK(usage["prompt_tokens"] == 4);
  CHECK(output_of(fx, "ask", "model") == "test-model");
  CHECK(output_of(fx, "ask", "json") == "<missing>");
}

TEST_CASE("llm: response_format json parses the reply and checks it against the schema") {
  LocalServer server;
  EngineFixture fx;
  nlohmann::json schema = {{"type", "object"},
                           {"required", {"summary", "urgent"}},
                           {"properties", {{"urgent", {{"type", "boolean"}}}}}};
  auto ask = [&](std::string id, std::string model) {
    return plugin_step(id, "llm",
                       {{"base_url", server.url("/v1/")},
                        {"model", model},
                        {"prompt", "URGENT: disk full"},
                        {"response_format", "json"},
                        {"schema", schema}});
  };
  fx.workflow.steps.push_back(ask("good", "m"));
  fx.workflow.steps.push_back(ask("prose", "prose"));
  fx.workflow.steps.push_back(ask("partial", "partial"));
  fx.workflow.steps.push_back(
      run_step("branch", "echo urgent=${{ fromJSON(steps.good.outputs.json).urgent }}", {"good"}));
  fx.run();
  REQUIRE(fx.step("good").status == StepStatus::Succeeded);
  CHECK(nlohmann::json::parse(output_of(fx, "good", "json")) ==
        nlohmann::json{{"summary", "URGENT: disk full"}, {"words", 3}, {"urgent", true}});
  CHECK(fx.log_of("branch") == "urgent=true\n");
  CHECK(fx.step("prose").status == StepStatus::Failed);
  CHECK(cause_of(fx, "prose") == "llm: the reply is not JSON: 'echo: URGENT: disk full'");
  CHECK(fx.step("partial").status == StepStatus::Failed);
  CHECK(cause_of(fx, "partial") ==
        "llm: the JSON reply does not match 'schema': $: 'summary' is required");
}

TEST_CASE("llm: a 429 is retried through the step's retry policy, honouring Retry-After") {
  LocalServer server;
  EngineFixture fx;
  Step step = plugin_step("ask", "llm",
                          {{"base_url", server.url("/v1")}, {"model", "flaky"}, {"prompt", "hi"}});
  step.edit_extra().retry = RetryPolicy{};
  step.edit_extra().retry->attempts = 3;
  fx.workflow.steps.push_back(step);
  Step once = plugin_step("once", "llm",
                          {{"base_url", server.url("/v1")}, {"model", "flaky"}, {"prompt", "ho"}});
  fx.workflow.steps.push_back(once);
  auto started = std::chrono::steady_clock::now();
  fx.run();
  CHECK(fx.step("ask").status == StepStatus::Succeeded);
  CHECK(fx.step("ask").attempts == 2);
  CHECK(std::chrono::steady_clock::now() - started >= std::chrono::milliseconds(900));
  CHECK(output_of(fx, "ask", "text") == "echo: hi");
  CHECK(fx.step("once").status == StepStatus::Failed);  // no retry policy: one attempt
  CHECK(cause_of(fx, "once")
            .find("llm: POST " + server.url("/v1/chat/completions") + " answered 429") == 0);
}

TEST_CASE("llm: the API key comes from api_key_env and never reaches a log or a cause") {
  LocalServer server;
  EngineFixture fx;
  fx.options.environment.push_back("TEST_LLM_KEY=sk-secret-123");
  fx.options.environment.push_back("WRONG_LLM_KEY=wrong-key");
  fx.workflow.steps.push_back(plugin_step("ok", "llm",
                                          {{"base_url", server.url("/v1")},
                                           {"model", "m"},
                                           {"prompt", "x"},
                                           {"api_key_env", "TEST_LLM_KEY"}}));
  fx.workflow.steps.push_back(plugin_step("denied", "llm",
                                          {{"base_url", server.url("/v1")},
                                           {"model", "m"},
                                           {"prompt", "x"},
                                           {"api_key_env", "WRONG_LLM_KEY"}}));
  fx.workflow.steps.push_back(plugin_step("unset", "llm",
                                          {{"base_url", server.url("/v1")},
                                           {"model", "m"},
                                           {"prompt", "x"},
                                           {"api_key_env", "NO_SUCH_KEY"}}));
  fx.run();
  CHECK(fx.step("ok").status == StepStatus::Succeeded);
  CHECK(fx.log_of("ok").find("sk-secret") == std::string::npos);
  CHECK(fx.step("denied").status == StepStatus::Failed);
  CHECK(cause_of(fx, "denied").find("answered 401") != std::string::npos);
  CHECK(cause_of(fx, "denied").find("invalid api key ***") != std::string::npos);
  CHECK(cause_of(fx, "denied").find("wrong-key") == std::string::npos);
  CHECK(fx.log_of("denied").find("wrong-key") == std::string::npos);
  CHECK(cause_of(fx, "unset") ==
        "llm: the environment variable 'NO_SUCH_KEY' named by 'api_key_env' is not set");
}

TEST_CASE("sqlite: statements with named params, rows as JSON, changes, and csv/json export") {
  EngineFixture fx;
  fx.workflow.steps.push_back(
      plugin_step("load", "sqlite",
                  {{"db", "shop.db"},
                   {"sql",
                    "CREATE TABLE orders(id INTEGER, item TEXT, price REAL);"
                    "INSERT INTO orders VALUES (1, 'tea', 3.5), (2, 'coffee, large', 4.0), (3, "
                    "'cake', NULL);"}}));
  fx.workflow.steps.push_back(
      plugin_step("query", "sqlite",
                  {{"db", "shop.db"},
                   {"sql", "SELECT id, item, price FROM orders WHERE id >= :min ORDER BY id"},
                   {"params", {{"min", "${{ fromJSON('2') }}"}}},
                   {"max_rows", 1},
                   {"export", {{"format", "csv"}, {"path", "out/orders.csv"}}}},
                  {"load"}));
  fx.workflow.steps.push_back(
      plugin_step("as-json", "sqlite",
                  {{"db", "shop.db"},
                   {"sql", "SELECT item FROM orders WHERE id = $id"},
                   {"params", {{"id", 1}}},
                   {"export", {{"format", "json"}, {"path", "orders.json"}}}},
                  {"load"}));
  fx.workflow.steps.push_back(plugin_step(
      "broken", "sqlite", {{"db", "shop.db"}, {"sql", "SELECT nope FROM orders"}}, {"load"}));
  fx.workflow.steps.push_back(
      plugin_step("unbound", "sqlite", {{"db", "shop.db"}, {"sql", "SELECT :x"}}, {"load"}));
  std::filesystem::create_directories(fx.dir.path() / "out");
  fx.run();
  REQUIRE(fx.step("load").status == StepStatus::Succeeded);
  CHECK(output_of(fx, "load", "changes") == "3");
  REQUIRE(fx.step("query").status == StepStatus::Succeeded);
  CHECK(nlohmann::json::parse(output_of(fx, "query", "rows")) ==
        nlohmann::json::parse(R"([{"id": 2, "item": "coffee, large", "price": 4.0}])"));
  CHECK(output_of(fx, "query", "row_count") == "2");
  CHECK(output_of(fx, "query", "truncated") == "true");
  CHECK(read_text(fx.dir.path() / "out/orders.csv") ==
        "id,item,price\n2,\"coffee, large\",4.0\n3,cake,\n");
  CHECK(nlohmann::json::parse(read_text(fx.dir.path() / "orders.json")) ==
        nlohmann::json::parse(R"([{"item": "tea"}])"));
  CHECK(fx.step("broken").status == StepStatus::Failed);
  CHECK(cause_of(fx, "broken") ==
        "sqlite: " + (fx.dir.path() / "shop.db").string() + ": statement 1: no such column: nope");
  CHECK(cause_of(fx, "unbound") == "sqlite: no value for parameter ':x' in 'params'");
}
