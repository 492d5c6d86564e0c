#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "support/cli_runner.hpp"

// Regular expressions over large input, through the real binary: std::regex recursed per
// character and crashed flowrun (exit 139) here; PCRE2 gives a result or a clean error.

using namespace flowrun::test;

namespace {

std::string pass_state_machine(const std::string& expression) {
  nlohmann::json machine = {
      {"QueryLanguage", "JSONata"},
      {"StartAt", "P"},
      {"States",
       {{"P", {{"Type", "Pass"}, {"Output", "{% " + expression + " %}"}, {"End", true}}}}}};
  return machine.dump();
}

ProcessResult run_with_input(const TempDir& dir, const std::string& file_text,
                             const std::string& input_text) {
  std::string file = dir.write("flow.asl.json", file_text).string();
  std::string input = dir.write("input.json", input_text).string();
  return run_flowrun({"run", file, "--input", "@" + input, "--state-dir",
                      (dir.path() / "state").string(), "--json", "--no-history"});
}

std::string repeated(const std::string& unit, std::size_t times) {
  std::string out;
  for (std::size_t i = 0; i < times; ++i) out += unit;
  return out;
}

}  // namespace

TEST_CASE("a JSONata $match over 200 000 characters gives its result") {
  TempDir dir;
  std::string input = nlohmann::json{{"s", repeated("ab", 100000) + "c"}}.dump();
  ProcessResult result =
      run_with_input(dir, pass_state_machine("$match($states.input.s, /(a|b)*c/).index"), input);
  CAPTURE(result.err);
  REQUIRE(result.exit_code == 0);
  CHECK(nlohmann::json::parse(result.out)["output"] == 0);
}

TEST_CASE("$number of a million digits fails the state with D3030, as in jsonata-js") {
  TempDir dir;
  std::string input = nlohmann::json{{"s", std::string(1000000, '7')}}.dump();
  ProcessResult result = run_with_input(dir, pass_state_machine("$number($states.input.s)"), input);
  CHECK(result.exit_code == 1);
  nlohmann::json summary = nlohmann::json::parse(result.out);
  CHECK(summary["error"] == "States.QueryEvaluationError");
  CHECK(summary["cause"].get<std::string>().find("D3030: Unable to cast value to a number") !=
        std::string::npos);
}

TEST_CASE("runaway backtracking fails the state with U1002 instead of hanging") {
  TempDir dir;
  std::string input = nlohmann::json{{"s", std::string(40, 'a') + "!"}}.dump();
  ProcessResult result =
      run_with_input(dir, pass_state_machine("$match($states.input.s, /^(a|aa)+$/)"), input);
  CHECK(result.exit_code == 1);
  nlohmann::json summary = nlohmann::json::parse(result.out);
  CHECK(summary["error"] == "States.QueryEvaluationError");
  CHECK(summary["cause"].get<std::string>().find(
            "U1002: Regular expression /^(a|aa)+$/: matching exceeded its resource limit (match "
            "limit exceeded)") != std::string::npos);
}

TEST_CASE("a param pattern checks a 1 MB value, or says it could not") {
  TempDir dir;
  auto run = [&](const std::string& pattern, const std::string& value) {
    std::string file =
        dir.write("flow.yaml", "params:\n  word: {type: string, pattern: '" + pattern +
                                   "'}\nsteps:\n  - id: a\n    run: echo ok\n")
            .string();
    std::string input = dir.write("input.json", nlohmann::json{{"word", value}}.dump()).string();
    return run_flowrun({"run", file, "--input", "@" + input, "--state-dir",
                        (dir.path() / "state").string(), "--no-history"});
  };
  std::string megabyte = repeated("ab", 512 * 1024);
  CHECK(run("^[ab]+$", megabyte).exit_code == 0);
  ProcessResult refused = run("^[ab]+$", megabyte + "!");
  CHECK(refused.exit_code == 2);
  CHECK(refused.err.find("param 'word' (--input): 'ababab") != std::string::npos);
  CHECK(refused.err.find("...' does not match the pattern '^[ab]+$'") != std::string::npos);
  // A group repeated a million times needs more backtracking memory than PCRE2 may take.
  ProcessResult too_costly = run("^(a|b)+$", megabyte);
  CHECK(too_costly.exit_code == 2);
  CHECK(too_costly.err.find("...' cannot be checked against the pattern '^(a|b)+$': matching "
                            "exceeded its resource limit (heap limit exceeded)") !=
        std::string::npos);
}

TEST_CASE("an invalid param pattern is a load error at its line, with PCRE2's reason") {
  TempDir dir;
  std::string file = dir.write("flow.yaml",
                               "params:\n  word: {type: string, pattern: 'a(b'}\n"
                               "steps:\n  - id: a\n    run: echo never\n")
                         .string();
  ProcessResult result = run_flowrun({"validate", file});
  CHECK(result.exit_code != 0);
  CHECK(result.err.find("flow.yaml:2:33: error: 'pattern' of param 'word' is not a valid regular "
                        "expression") != std::string::npos);
  CHECK(result.err.find("note: PCRE2: missing closing parenthesis at offset 3 of the pattern") !=
        std::string::npos);
}
