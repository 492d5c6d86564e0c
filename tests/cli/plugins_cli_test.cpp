#include <doctest/doctest.h>
#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include "support/cli_runner.hpp"

using namespace flowrun::test;

namespace {

constexpr const char* kDescribed = R"(#!/bin/sh
if [ "$1" = "--describe" ]; then
  echo '{"description": "Sends a notice", "type": "object", "additionalProperties": false,
         "required": ["channel", "text"],
         "properties": {"channel": {"type": "string"}, "text": {"type": "string"},
                        "level": {"enum": ["info", "warn"]}, "retries": {"type": "integer"}}}'
  exit 0
fi
cat >/dev/null
echo '{"outputs": {}}'
)";

void write_plugin(const TempDir& dir, const std::string& name, const std::string& script) {
  std::filesystem::create_directories(dir.path() / "plugins");
  auto path = dir.write("plugins/flowrun-plugin-" + name, script);
  chmod(path.c_str(), 0755);
}

}  // namespace

TEST_CASE("validate checks 'with' against the schema a plugin's --describe prints") {
  TempDir dir;
  write_plugin(dir, "notify", kDescribed);
  auto file = dir.write("flow.yaml", R"(steps:
  - id: tell
    uses: notify
    with:
      chanel: ops
      text: 42
      level: loud
      retries: ${{ fromJSON('2') }}
)");
  auto result = run_flowrun({"validate", file.string()});
  CHECK(result.exit_code == 2);
  const std::string f = file.string();
  CHECK(result.err.find(f + ":4:5: error: plugin 'notify' needs 'channel' in 'with'") !=
        std::string::npos);
  CHECK(result.err.find(f + ":5:7: error: plugin 'notify' has no input 'chanel' (in 'with')") !=
        std::string::npos);
  CHECK(result.err.find("note: did you mean 'channel'?") != std::string::npos);
  CHECK(result.err.find(f + ":6:13: error: 'with.text' of plugin 'notify' must be string, not an "
                            "integer") != std::string::npos);
  CHECK(result.err.find(f + ":7:14: error: 'with.level' of plugin 'notify' must be one of info, "
                            "warn") != std::string::npos);
  CHECK(result.err.find("retries") == std::string::npos);  // an expression: known at run time
  auto json = run_flowrun({"validate", "--format", "json", file.string()});
  auto items = nlohmann::json::parse(json.out);
  std::vector<std::string> codes;
  for (const auto& item : items) codes.push_back(item["code"]);
  CHECK(codes == std::vector<std::string>{"plugin-missing-key", "plugin-unknown-key",
                                          "plugin-wrong-type", "plugin-bad-value"});
}

TEST_CASE("validate warns when a plugin cannot be found, and passes a valid 'with'") {
  TempDir dir;
  write_plugin(dir, "notify", kDescribed);
  auto file = dir.write("flow.yaml", R"(steps:
  - id: tell
    uses: notify
    with: {channel: ops, text: hello}
  - id: other
    uses: nowhere
)");
  auto result = run_flowrun({"validate", file.string()});
  CHECK(result.exit_code == 0);
  CHECK(result.err.find(file.string() + ":6:11: warning: plugin 'nowhere' not found: no "
                                        "executable 'flowrun-plugin-nowhere'") !=
        std::string::npos);
  CHECK(result.out.find(": ok (") != std::string::npos);
}

TEST_CASE("flowrun plugins lists built-in and discovered plugins with where they were found") {
  TempDir dir;
  write_plugin(dir, "notify", kDescribed);
  TempDir path_dir;
  auto other = path_dir.write("flowrun-plugin-other", "#!/bin/sh\nexit 1\n");
  chmod(other.c_str(), 0755);
  auto result = run_flowrun({"plugins", "--json", "--dir", dir.path().string()}, "",
                            {{"FLOWRUN_PLUGIN_PATH", path_dir.path().string()}});
  REQUIRE(result.exit_code == 0);
  auto list = nlohmann::json::parse(result.out);
  nlohmann::json notify;
  nlohmann::json failing;
  for (const auto& plugin : list) {
    if (plugin["name"] == "notify") notify = plugin;
    if (plugin["name"] == "other") failing = plugin;
  }
  CHECK(notify["kind"] == "external");
  CHECK(notify["description"] == "Sends a notice");
  CHECK(notify["found_in"] == "plugins/");
  CHECK(notify["location"] ==
        (dir.path() / "plugins/flowrun-plugin-notify").lexically_normal().string());
  CHECK(failing["found_in"] == "FLOWRUN_PLUGIN_PATH");
  CHECK(failing["error"].get<std::string>().find("--describe' failed") != std::string::npos);
  auto text = run_flowrun({"plugins", "--dir", dir.path().string()});
  CHECK(text.out.find("notify") != std::string::npos);
  CHECK(text.out.find("Sends a notice") != std::string::npos);
}

TEST_CASE("the example plugins in workflows/plugins run through flowrun run") {
  TempDir state;
  auto result = run_flowrun({"run", (source_dir() / "workflows/plugins_demo.yaml").string(),
                             "--json", "--state-dir", state.path().string()});
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  auto summary = nlohmann::json::parse(result.out);
  CHECK(summary["steps"][0]["outputs"]["words"] == "11");
  CHECK(summary["steps"][0]["outputs"]["top"] == R"({"brown":1,"the":3})");
  CHECK(summary["steps"][1]["outputs"]["text"] == "11 WORDS");
}

TEST_CASE("each foreach child of a plugin step gets its own item in 'with'") {
  TempDir dir;
  write_plugin(dir, "echo", "#!/bin/sh\nprintf '{\"outputs\": {\"with\": %s}}' \"$(cat)\"\n");
  auto file = dir.write("flow.yaml", R"(steps:
  - id: each
    foreach: [a, {"n": 2}]
    uses: echo
    with:
      item: ${{ item }}
      text: "item ${{ item_index }}"
)");
  auto result =
      run_flowrun({"run", file.string(), "--json", "--state-dir", (dir.path() / "state").string()});
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  auto summary = nlohmann::json::parse(result.out);
  auto outputs = summary["steps"][0]["outputs"];
  REQUIRE(outputs.size() == 2);
  std::vector<nlohmann::json> withs;
  for (const auto& child : outputs) {
    withs.push_back(nlohmann::json::parse(child["with"].get<std::string>())["with"]);
  }
  CHECK(withs[0] == nlohmann::json{{"item", "a"}, {"text", "item 0"}});
  CHECK(withs[1] == nlohmann::json{{"item", {{"n", 2}}}, {"text", "item 1"}});
}
