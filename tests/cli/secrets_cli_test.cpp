#include <doctest/doctest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "support/cli_runner.hpp"

using namespace flowrun::test;

namespace {

const std::string kPassword = "hunter2-s3cr3t-XYZ";
const std::string kApiKey = "key-0123456789abcdef";

// `split` writes the password in two writes with a pause between them.
const char* kSecretWorkflow = R"yaml(name: secretive
secrets:
  db_password: {from_env: TEST_DB_PASSWORD}
  api_key: {from_file: api.key}
steps:
  - id: split
    env:
      PASS: ${{ secrets.db_password }}
    run: |
      printf 'pw=%s' "$(printf '%s' "$PASS" | cut -c1-8)"
      sleep 0.3
      printf '%s\n' "$(printf '%s' "$PASS" | cut -c9-)"
  - id: script
    run: echo "key is ${{ secrets.api_key }}" && echo "token=${{ secrets.api_key }}" >> "$FLOWRUN_OUTPUT"
  - id: reader
    needs: script
    run: echo "got ${{ steps.script.outputs.token }}"
  - id: plain
    run: echo "source ${TEST_DB_PASSWORD:-unset}"
  - id: fails
    env:
      PASS: ${{ secrets.db_password }}
    run: echo "bad $PASS" >&2; exit 3
outputs:
  leaked: ${{ steps.script.outputs.token }}
)yaml";

struct SecretRun {
  TempDir dir;
  std::string file;
  std::string state;
  SecretRun() {
    file = dir.write("secret.yaml", kSecretWorkflow).string();
    dir.write("api.key", kApiKey + "\n");
    state = (dir.path() / "state").string();
  }
  ProcessResult flowrun(std::vector<std::string> args, std::map<std::string, std::string> env = {
                                                           {"TEST_DB_PASSWORD", kPassword}}) {
    args.push_back("--state-dir");
    args.push_back(state);
    return run_flowrun(args, "", env);
  }
};

void check_hidden(const std::string& text) {
  CHECK(text.find(kPassword) == std::string::npos);
  CHECK(text.find(kApiKey) == std::string::npos);
  CHECK(text.find("hunter2") == std::string::npos);
}

std::string all_files_under(const std::filesystem::path& root) {
  std::string text;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    if (entry.is_regular_file()) text += read_text(entry.path());
  }
  return text;
}

}  // namespace

TEST_CASE("secrets reach steps through their environment and are *** everywhere flowrun writes") {
  SecretRun r;
  ProcessResult result = r.flowrun({"run", r.file, "--json", "--stream"});
  INFO(result.err);
  REQUIRE(result.exit_code == 1);  // `fails` fails
  nlohmann::json summary = nlohmann::json::parse(result.out);
  std::map<std::string, nlohmann::json> steps;
  for (const auto& step : summary["steps"]) steps[step["id"].get<std::string>()] = step;
  // The step saw the real value; its log (written as it went) shows it hidden, even split.
  CHECK(read_text(steps["split"]["log"].get<std::string>()) == "pw=***\n");
  CHECK(read_text(steps["script"]["log"].get<std::string>()) == "key is ***\n");
  CHECK(steps["script"]["outputs"]["token"] == "***");
  CHECK(read_text(steps["reader"]["log"].get<std::string>()) == "got ***\n");
  CHECK(read_text(steps["plain"]["log"].get<std::string>()) == "source unset\n");
  CHECK(read_text(steps["fails"]["log"].get<std::string>()) == "bad ***\n");
  CHECK(summary["output"]["leaked"] == "***");
  CHECK(result.err.find("[split] pw=***") != std::string::npos);
  check_hidden(result.out);
  check_hidden(result.err);

  SUBCASE("status, history, logs, the run folder and the database hold no secret") {
    ProcessResult status = r.flowrun({"status", "last"});
    CHECK(status.out.find("bad ***") != std::string::npos);
    check_hidden(status.out);
    check_hidden(r.flowrun({"status", "last", "--json"}).out);
    check_hidden(r.flowrun({"history", "last", "--json"}).out);
    check_hidden(r.flowrun({"history", "last"}).out);
    check_hidden(r.flowrun({"logs", "last"}).out);
    check_hidden(r.flowrun({"graph", r.file}).out);
    check_hidden(all_files_under(r.state));  // logs, outputs, summary.json, flowrun.db (+ WAL)
  }
}

TEST_CASE("the dry run shows secrets as ***") {
  SecretRun r;
  ProcessResult plan = r.flowrun({"run", r.file, "--dry-run"});
  REQUIRE(plan.exit_code == 0);
  CHECK(plan.out.find("env PASS=***") != std::string::npos);
  CHECK(plan.out.find("key is ***") != std::string::npos);
  check_hidden(plan.out);
  check_hidden(r.flowrun({"run", r.file, "--dry-run", "--json"}).out);
}

TEST_CASE("a secret that cannot be read stops the run before anything runs, exit 2") {
  SecretRun r;
  ProcessResult missing = r.flowrun({"run", r.file}, {});
  CHECK(missing.exit_code == 2);
  CHECK(missing.err == "flowrun: error: " + r.file +
                           ": secret 'db_password': the environment variable 'TEST_DB_PASSWORD' "
                           "is not set\n");
  std::filesystem::remove(r.dir.path() / "api.key");
  ProcessResult unreadable = r.flowrun({"run", r.file, "--dry-run"});
  CHECK(unreadable.exit_code == 2);
  CHECK(unreadable.err.find("secret 'api_key': cannot read '") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(r.dir.path() / "state" / "runs"));
}

TEST_CASE("secrets are read only where they reach the environment; unknown ones are named") {
  TempDir dir;
  std::string file = dir.write("bad.yaml", R"(name: bad
secrets:
  token: {from_env: TOKEN}
steps:
  - id: a
    cmd: [echo, "${{ secrets.token }}"]
  - id: b
    run: echo "${{ secrets.tokn }}"
)")
                         .string();
  ProcessResult result = run_flowrun({"validate", file});
  CHECK(result.exit_code == 2);
  CHECK(result.err.find(file + ":6:22: error: secrets reach a step only through its "
                               "environment") != std::string::npos);
  CHECK(result.err.find(file + ":8:28: error: unknown secret 'tokn' in step 'b'") !=
        std::string::npos);
  CHECK(result.err.find("did you mean 'token'?") != std::string::npos);
}
