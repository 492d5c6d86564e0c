#include <doctest/doctest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "support/cli_runner.hpp"

using namespace flowrun::test;
namespace fs = std::filesystem;

TEST_CASE("schema prints a 2020-12 JSON Schema that every native example satisfies") {
  auto result = run_flowrun({"schema"});
  REQUIRE(result.exit_code == 0);
  auto schema = nlohmann::json::parse(result.out);
  CHECK(schema["$schema"] == "https://json-schema.org/draft/2020-12/schema");

  TempDir dir;
  auto schema_file = dir.write("schema.json", result.out);
  // python3-jsonschema (installed by scripts/setup) is the independent checker.
  const char* checker = R"(
import json, sys, yaml, jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)
bad = 0
for path in sys.argv[2:]:
    doc = yaml.safe_load(open(path))
    for error in jsonschema.Draft202012Validator(schema).iter_errors(doc):
        print(path, list(error.path), error.message)
        bad += 1
sys.exit(1 if bad else 0)
)";
  auto script = dir.write("check.py", checker);
  std::vector<std::string> argv{"python3", script.string(), schema_file.string()};
  int native = 0;
  for (const auto& entry : fs::directory_iterator(source_dir() / "workflows")) {
    auto path = entry.path();
    if (path.extension() == ".yaml" && path.string().find(".asl.") == std::string::npos) {
      argv.push_back(path.string());
      ++native;
    }
  }
  CHECK(native >= 4);
  auto check = run_process(argv);
  INFO(check.out, check.err);
  CHECK(check.exit_code == 0);

  auto wrong = dir.write("wrong.yaml", "steps:\n  - id: a\n    run: 'true'\n    retry: {attempts: 0}\n");
  auto rejected = run_process({"python3", script.string(), schema_file.string(), wrong.string()});
  CHECK(rejected.exit_code == 1);
}
