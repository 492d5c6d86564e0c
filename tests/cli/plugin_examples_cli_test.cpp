#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "support/cli_runner.hpp"
#include "support/local_server.hpp"

using namespace flowrun::test;

namespace {

nlohmann::json run_example(const std::string& name, const std::vector<std::string>& params,
                           const TempDir& state, int expected_exit = 0) {
  std::vector<std::string> args = {"run", (source_dir() / "workflows" / name).string(), "--json",
                                   "--state-dir", state.path().string()};
  for (const auto& param : params) {
    args.push_back("-p");
    args.push_back(param);
  }
  auto result = run_flowrun(args);
  INFO(result.err);
  CHECK(result.exit_code == expected_exit);
  return nlohmann::json::parse(result.out, nullptr, false);
}

nlohmann::json step_of(const nlohmann::json& summary, const std::string& id) {
  for (const auto& step : summary["steps"]) {
    if (step["id"] == id) return step;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("workflows/http-healthcheck.yaml reports the health of a local server") {
  LocalServer server;
  TempDir state;
  auto summary = run_example("http-healthcheck.yaml", {"base_url=" + server.url("")}, state);
  CHECK(summary["status"] == "succeeded");
  CHECK(summary["output"]["status"] == "ok");
  CHECK(step_of(summary, "alert")["status"] == "skipped");
  auto log = read_text(step_of(summary, "report")["log"].get<std::string>());
  CHECK(log == "service is ok (HTTP 200)\ndatabase: ok\n");
}

TEST_CASE("workflows/sqlite-export.yaml loads, aggregates and exports") {
  TempDir state;
  TempDir out;
  auto summary = run_example("sqlite-export.yaml", {"out_dir=" + out.path().string()}, state);
  CHECK(summary["status"] == "succeeded");
  CHECK(summary["output"]["customers"] == 2);
  CHECK(read_text(out.path() / "report.csv") ==
        "customer,orders,spent\nlinus,1,99.9\nada,2,42.5\n");
  CHECK(nlohmann::json::parse(read_text(out.path() / "orders.json")).size() == 5);
  auto log = read_text(step_of(summary, "show")["log"].get<std::string>());
  CHECK(log.find("5 orders loaded; top customer: linus\n") == 0);
}

TEST_CASE("workflows/llm-summarize.yaml branches on the model's JSON reply") {
  LocalServer server;
  TempDir state;
  auto urgent = run_example("llm-summarize.yaml", {"base_url=" + server.url("/v1")}, state);
  CHECK(urgent["status"] == "succeeded");
  CHECK(urgent["output"]["urgent"] == true);
  CHECK(step_of(urgent, "page-oncall")["status"] == "succeeded");
  CHECK(step_of(urgent, "queue")["status"] == "skipped");
  auto calm =
      run_example("llm-summarize.yaml",
                  {"base_url=" + server.url("/v1"), "ticket=please rename my account"}, state);
  CHECK(calm["output"]["urgent"] == false);
  CHECK(step_of(calm, "page-oncall")["status"] == "skipped");
  CHECK(step_of(calm, "queue")["status"] == "succeeded");
}

// libcurl and its ~30 libraries are loaded by the first HTTP call only (curl_library.cpp):
// a run without one must not pay their start-up time and memory.
TEST_CASE("libcurl is loaded into flowrun by a run that makes an HTTP call, not by others") {
  LocalServer server;
  TempDir dir;
  const std::string count_maps =
      "    run: echo \"curl_maps=$(grep -c libcurl /proc/$PPID/maps)\" >> \"$FLOWRUN_OUTPUT\"\n";
  auto plain = dir.write("plain.yaml", "steps:\n  - id: look\n" + count_maps);
  auto with_http =
      dir.write("http.yaml",
                "steps:\n  - id: call\n    uses: http\n    with:\n"
                "      url: " +
                    server.url("/json") + "\n  - id: look\n    needs: [call]\n" + count_maps);
  for (const auto& [file, loaded] : {std::pair{plain, false}, std::pair{with_http, true}}) {
    auto result = run_flowrun(
        {"run", file.string(), "--json", "--state-dir", (dir.path() / "state").string()});
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
    auto summary = nlohmann::json::parse(result.out);
    auto maps = step_of(summary, "look")["outputs"]["curl_maps"].get<std::string>();
    CHECK((maps != "0") == loaded);
  }
}
