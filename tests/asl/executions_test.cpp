#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "support/cli_runner.hpp"

// Whole executions through the real binary: each tests/asl/executions/<case>.json holds a
// definition, an input, bindings or mocks, and the expected status, output, error and cause.

namespace flowrun::test {
namespace {

using nlohmann::json;

std::vector<std::filesystem::path> case_files() {
  std::vector<std::filesystem::path> files;
  for (const auto& entry :
       std::filesystem::directory_iterator(source_dir() / "tests/asl/executions")) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// Runs one case and checks what its `expected` names.
void run_case(const std::filesystem::path& file) {
  json spec = json::parse(read_text(file));
  TempDir dir;
  std::vector<std::string> args = {
      "run",
      dir.write("machine.asl.json", spec["definition"].dump()).string(),
      "--input",
      "@" + dir.write("input.json", spec.value("input", json::object()).dump()).string(),
      "--json",
      "--state-dir",
      (dir.path() / "state").string()};
  if (spec.contains("bindings")) {
    args.push_back("--resources");
    args.push_back(dir.write("bindings.json", spec["bindings"].dump()).string());
  }
  if (spec.contains("mocks")) {
    args.push_back("--mock-config");
    args.push_back(dir.write("mocks.json", spec["mocks"].dump()).string());
    args.push_back("--test-case");
    args.push_back(spec["test_case"].get<std::string>());
  }
  ProcessResult result = run_flowrun(args);
  INFO("case ", file.filename().string(), "\nstderr:\n", result.err);
  json summary = json::parse(result.out, nullptr, false);
  REQUIRE_FALSE(summary.is_discarded());
  const json& expected = spec["expected"];
  CHECK(summary["status"] == expected["status"]);
  for (const char* field : {"output", "error", "cause"}) {
    if (expected.contains(field)) CHECK_MESSAGE(summary[field] == expected[field], field);
  }
  if (expected.contains("output_includes")) {
    for (const auto& [key, value] : expected["output_includes"].items()) {
      CHECK(summary["output"][key] == value);
    }
  }
  const std::string status = expected["status"];
  int code = status == "succeeded" ? 0 : status == "timed_out" ? 124 : 1;
  CHECK(result.exit_code == code);
}

}  // namespace

TEST_CASE(
    "every execution case in tests/asl/executions ends as its expected status, output, error and "
    "cause") {
  std::vector<std::filesystem::path> files = case_files();
  REQUIRE(files.size() >= 50);
  for (const auto& file : files) run_case(file);
}

}  // namespace flowrun::test
