#include <doctest/doctest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "support/cli_runner.hpp"

using namespace flowrun::test;
namespace fs = std::filesystem;

namespace {

std::vector<fs::path> example_files() {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(source_dir() / "workflows")) {
    if (!entry.is_regular_file()) continue;
    auto ext = entry.path().extension();
    if (ext == ".yaml" || ext == ".yml" || ext == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::size_t count_lines(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

}  // namespace

TEST_CASE("every example workflow is valid") {
  auto files = example_files();
  REQUIRE(files.size() >= 5);
  for (const auto& file : files) {
    CAPTURE(file);
    auto result = run_flowrun({"validate", file.string()});
    CHECK(result.exit_code == 0);
    CHECK(result.err == "");
    CHECK(result.out.find(": ok (") != std::string::npos);
  }
}

TEST_CASE("validate checks several files and reports the problems of each, then exits 2") {
  TempDir dir;
  auto good = dir.write("good.yaml", "steps:\n  - id: a\n    run: 'true'\n");
  auto bad = dir.write("bad.yaml", "steps:\n  - id: a\n    run: 'true'\n    neds: [b]\n");
  auto result = run_flowrun({"validate", good.string(), bad.string()});
  CHECK(result.exit_code == 2);
  CHECK(result.out == good.string() + ": ok (workflow 'good', 1 step)\n");
  CHECK(result.err.find(bad.string() + ":4:5: error: ") != std::string::npos);
  CHECK(result.err.find("did you mean 'needs'?") != std::string::npos);
  CHECK(result.err.find("1 error generated.") != std::string::npos);
}

TEST_CASE("validate --format json prints every diagnostic with a stable code") {
  TempDir dir;
  auto bad = dir.write("bad.yaml", "steps:\n  - id: a\n    run: 'true'\n    needs: [b]\n");
  auto result = run_flowrun({"validate", "--format", "json", bad.string()});
  CHECK(result.exit_code == 2);
  auto diagnostics = nlohmann::json::parse(result.out);
  REQUIRE(diagnostics.is_array());
  REQUIRE(diagnostics.size() == 1);
  const auto& d = diagnostics[0];
  CHECK(d["file"] == bad.string());
  CHECK(d["line"] == 4);
  CHECK(d["column"] == 13);
  CHECK(d["severity"] == "error");
  CHECK(d["code"] == "unknown-need");
  CHECK(d["notes"].is_array());
}

TEST_CASE("validate reads a workflow from stdin") {
  auto result = run_flowrun({"validate", "-"}, "name: piped\nsteps:\n  - id: a\n    run: 'true'\n");
  CHECK(result.exit_code == 0);
  CHECK(result.out == "<stdin>: ok (workflow 'piped', 1 step)\n");
}

TEST_CASE("files that cannot be workflows give one line naming the file and exit 2") {
  TempDir dir;
  std::map<std::string, fs::path> cases;
  cases["missing"] = dir.path() / "missing.yaml";
  cases["folder"] = dir.path();
  cases["empty"] = dir.write("empty.yaml", "");
  cases["binary"] = dir.write("binary.yaml", std::string("\x7f"
                                                         "ELF\x02\x01\x01\0\0\0",
                                                         10));
  cases["not UTF-8"] = dir.write("latin1.yaml", "name: caf\xe9\nsteps: []\n");
  std::string bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n";
  for (char c = 'b'; c <= 'j'; ++c) {
    std::string prev(1, static_cast<char>(c - 1));
    bomb += std::string(1, c) + ": &" + c + " [*" + prev + ", *" + prev + ", *" + prev + ", *" +
            prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + "]\n";
  }
  cases["alias bomb"] = dir.write("bomb.yaml", bomb);
  cases["deep nesting"] =
      dir.write("deep.yaml", std::string(10'000, '[') + std::string(10'000, ']'));
  cases["deep JSON"] = dir.write("deep.json", std::string(10'000, '[') + std::string(10'000, ']'));
  {
    std::string big = "steps:\n";
    std::string line = "  - {id: s, run: 'echo " + std::string(200, 'x') + "'}\n";
    while (big.size() < 50u * 1024 * 1024) big += line;
    cases["50 MB"] = dir.write("big.yaml", big);
  }
  for (const auto& [name, path] : cases) {
    CAPTURE(name);
    auto result = run_flowrun({"validate", path.string()});
    CHECK(result.exit_code == 2);
    CHECK(result.out == "");
    CHECK(result.err.find(path.string()) == 0);
    CHECK(result.err.find(": error: ") != std::string::npos);
    CHECK(count_lines(result.err) <= 2);  // the error and the "1 error generated." line
  }
}

TEST_CASE("every command has help, and unknown commands and flags are usage errors") {
  for (const char* command : {"validate", "graph", "schema"}) {
    CAPTURE(command);
    auto help = run_flowrun({command, "--help"});
    CHECK(help.exit_code == 0);
    CHECK(help.out.find("Usage") != std::string::npos);
  }
  auto version = run_flowrun({"--version"});
  CHECK(version.exit_code == 0);
  CHECK(version.out.find("flowrun ") == 0);

  auto typo = run_flowrun({"valdate", "x.yaml"});
  CHECK(typo.exit_code == 2);
  CHECK(typo.err.find("unknown command 'valdate'; did you mean 'validate'?") != std::string::npos);

  auto flag = run_flowrun({"validate", "--bogus", "x.yaml"});
  CHECK(flag.exit_code == 2);
  CHECK(flag.err.find("--bogus") != std::string::npos);

  auto none = run_flowrun({});
  CHECK(none.exit_code == 2);
}

TEST_CASE(
    "validate refuses $states.result in a JSONata Task's Arguments at the '$' that reads it, "
    "exit 2") {
  TempDir dir;
  auto file = dir.write("m.asl.json", R"({"QueryLanguage": "JSONata", "StartAt": "T",
 "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                  "Arguments": {"id": "{% $states.result.id %}"},
                  "Output": "{% $states.result %}", "End": true}}})");
  auto result = run_flowrun({"validate", file.string()});
  CHECK(result.exit_code == 2);
  CHECK(result.err.find(file.string() +
                        ":3:43: error: Arguments of state 'T' reads $states.result, which Step "
                        "Functions sets only in the Output and Assign of a Task, Parallel or Map "
                        "state") != std::string::npos);
  CHECK(result.err.find("1 error generated.") != std::string::npos);
  auto json_result = run_flowrun({"validate", "--format", "json", file.string()});
  CHECK(json_result.exit_code == 2);
  CHECK(nlohmann::json::parse(json_result.out)[0]["code"] == "asl-jsonata-states-field");
}
