#include <doctest/doctest.h>

#include "support/cli_runner.hpp"

using namespace flowrun::test;

namespace {

const char* kMachine = R"({
  "StartAt": "Wait",
  "States": {
    "Wait": {"Type": "Wait", "Seconds": ${Delay}, "Next": "Call"},
    "Call": {"Type": "Pass", "Parameters": {"arn": "arn:${AWS::Partition}:s3:::b", "p.$": "${Path}"},
             "End": true}
  }
})";

}  // namespace

TEST_CASE("validate accepts placeholders with a note and exits 0") {
  TempDir dir;
  auto file = dir.write("m.json", kMachine);
  auto result = run_flowrun({"validate", file.string()});
  CHECK(result.exit_code == 0);
  CHECK(result.out.find("m.json: ok (state machine, 2 states)") != std::string::npos);
  CHECK(result.err.find("4:41: note: 'Seconds' holds the placeholder ${Delay}") !=
        std::string::npos);
  CHECK(result.err.find("note: 'p.$' holds the placeholder ${Path}") != std::string::npos);
}

TEST_CASE("--substitute replaces placeholders before validating, so bad values are errors") {
  TempDir dir;
  auto file = dir.write("m.json", kMachine);
  auto good = run_flowrun({"validate", file.string(), "--substitute", "Delay=5", "--substitute",
                           "Path=$.x", "--substitute", "AWS::Partition=aws"});
  CHECK(good.exit_code == 0);
  CHECK(good.err == "");
  auto bad = run_flowrun({"validate", file.string(), "--substitute", "Delay=5", "--substitute",
                          "Path=$.x[", "--substitute", "AWS::Partition=aws"});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("error: 'p.$' in Parameters of state 'Call' is not a valid path") !=
        std::string::npos);
}

TEST_CASE("--substitutions reads a file, and --substitute wins over it") {
  TempDir dir;
  auto file = dir.write("m.json", kMachine);
  auto values = dir.write("values.yaml",
                          "DefinitionSubstitutions:\n  Delay: 5\n  Path: $.y[\n  "
                          "AWS::Partition: aws\n");
  auto bad = run_flowrun({"validate", file.string(), "--substitutions", values.string()});
  CHECK(bad.exit_code == 2);
  auto fixed = run_flowrun(
      {"validate", file.string(), "--substitutions", values.string(), "--substitute", "Path=$.y"});
  CHECK(fixed.exit_code == 0);
  CHECK(fixed.err == "");
}

TEST_CASE("graph accepts placeholders and substitutions") {
  TempDir dir;
  auto file = dir.write("m.json", kMachine);
  auto plain = run_flowrun({"graph", file.string(), "--format", "mermaid"});
  CHECK(plain.exit_code == 0);
  CHECK(plain.out.find("Wait") != std::string::npos);
  auto substituted =
      run_flowrun({"graph", file.string(), "--format", "mermaid", "--substitute", "Delay=3"});
  CHECK(substituted.exit_code == 0);
}

TEST_CASE("a malformed --substitute or substitutions file is a one-line error") {
  TempDir dir;
  auto file = dir.write("m.json", kMachine);
  auto bad_pair = run_flowrun({"validate", file.string(), "--substitute", "no-equals"});
  CHECK(bad_pair.exit_code != 0);
  CHECK(bad_pair.err.find("--substitute 'no-equals' must be NAME=VALUE") != std::string::npos);
  auto missing = run_flowrun({"validate", file.string(), "--substitutions", "/nonexistent.yaml"});
  CHECK(missing.exit_code != 0);
  CHECK(missing.err.find("cannot read substitutions file '/nonexistent.yaml'") !=
        std::string::npos);
}

TEST_CASE("run replaces placeholders before running") {
  TempDir dir;
  auto marker = dir.path() / "marker";
  auto file = dir.write("flow.yaml",
                        "steps:\n  - id: a\n    run: echo ${Word} > " + marker.string() + "\n");
  auto result = run_flowrun({"run", file.string(), "--state-dir", (dir.path() / "state").string(),
                             "--substitute", "Word=substituted"});
  CHECK(result.exit_code == 0);
  CHECK(read_text(marker) == "substituted\n");
}
