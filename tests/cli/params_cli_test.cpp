#include <doctest/doctest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "support/cli_runner.hpp"

using namespace flowrun::test;

namespace {

const char* kTypedWorkflow = R"(name: typed
params:
  day: {type: string, pattern: "^[0-9]{4}-[0-9]{2}-[0-9]{2}$", default: "2026-11-24"}
  retries: {type: integer, minimum: 0, maximum: 5, default: 1}
  ratio: {type: number, default: 0.5}
  dry: {type: boolean, default: false}
  mode: {type: string, enum: [full, fast], default: full}
  tables: {type: array, default: [orders]}
  token: {type: string, secret: true, default: "s3cr3t-value"}
outputs:
  next: ${{ params.retries > 2 }}
  echo: "token=${{ params.token }}"
steps:
  - id: show
    run: echo "${{ toJSON(params.retries) }} ${{ params.dry }} ${{ join(params.tables, '+') }} ${{ params.ratio }}"
)";

struct Runs {
  TempDir dir;
  std::string state() const { return (dir.path() / "state").string(); }
  std::string file(const std::string& text) const { return dir.write("flow.yaml", text).string(); }
  ProcessResult run(std::vector<std::string> args) const {
    args.insert(args.begin(), "run");
    args.push_back("--state-dir");
    args.push_back(state());
    return run_flowrun(args);
  }
  bool ran_anything() const { return std::filesystem::exists(dir.path() / "state" / "runs"); }
};

}  // namespace

TEST_CASE("-p values are typed by their declaration and shown typed in the summary") {
  Runs r;
  std::string file = r.file(kTypedWorkflow);
  ProcessResult result = r.run({file, "-p", "retries=3", "-p", "dry=true", "-p",
                                "tables=[\"a\",\"b\"]", "-p", "ratio=1.25", "--json"});
  REQUIRE(result.exit_code == 0);
  nlohmann::json summary = nlohmann::json::parse(result.out);
  CHECK(summary["params"]["retries"] == 3);
  CHECK(summary["params"]["dry"] == true);
  CHECK(summary["params"]["tables"] == nlohmann::json::parse(R"(["a","b"])"));
  CHECK(summary["params"]["ratio"] == 1.25);
  CHECK(summary["output"]["next"] == true);
  CHECK(read_text(summary["steps"][0]["log"].get<std::string>()) == "3 true a+b 1.25\n");
}

TEST_CASE("bad or unknown params are errors naming the param, value and rule; exit 2, no run") {
  Runs r;
  std::string file = r.file(kTypedWorkflow);
  struct Case {
    std::vector<std::string> args;
    std::string error;
  };
  const Case cases[] = {
      {{"-p", "retries=three"}, "param 'retries' (-p): 'three' is not an integer (its type)"},
      {{"-p", "retries=9"}, "param 'retries' (-p): '9' is above the maximum 5"},
      {{"-p", "day=yesterday"},
       "param 'day' (-p): 'yesterday' does not match the pattern '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'"},
      {{"-p", "mode=slow"}, "param 'mode' (-p): 'slow' is not one of 'full', 'fast'"},
      {{"-p", "dry=yes"}, "param 'dry' (-p): 'yes' is not a boolean (its type)"},
      {{"-p", "retires=2"},
       "unknown param 'retires' (-p): the workflow declares 'day', "
       "'retries', 'ratio', 'dry', 'mode', 'tables', 'token'; did you mean "
       "'retries'?"},
      {{"--input", "{\"retries\": \"2\"}"},
       "param 'retries' (--input): '2' is not an integer (its type)"},
      {{"--input", "[1]"}, "--input must hold an object of param names to values"},
  };
  for (const Case& c : cases) {
    std::vector<std::string> args = {file};
    args.insert(args.end(), c.args.begin(), c.args.end());
    ProcessResult result = r.run(args);
    CAPTURE(result.err);
    CHECK(result.exit_code == 2);
    CHECK(result.err.find(c.error) != std::string::npos);
  }
  CHECK_FALSE(r.ran_anything());
}

TEST_CASE("a required param without a value is an error before anything runs") {
  Runs r;
  std::string file = r.file(
      "params:\n  day: {type: string, required: true}\nsteps:\n"
      "  - id: a\n    run: echo ${{ params.day }}\n");
  ProcessResult result = r.run({file});
  CHECK(result.exit_code == 2);
  CHECK(result.err.find("param 'day' is required and has no default: give it with -p "
                        "day=VALUE") != std::string::npos);
  CHECK_FALSE(r.ran_anything());
}

TEST_CASE("--params-file and --input give params; -p wins over both") {
  Runs r;
  std::string file = r.file(kTypedWorkflow);
  std::string yaml = r.dir.write("params.yaml", "retries: 4\nmode: fast\n").string();
  std::string json = r.dir.write("params.json", "{\"dry\": true, \"retries\": 2}").string();
  ProcessResult result =
      r.run({file, "--params-file", yaml, "--input", "@" + json, "-p", "ratio=2", "--json"});
  REQUIRE(result.exit_code == 0);
  nlohmann::json params = nlohmann::json::parse(result.out)["params"];
  CHECK(params["retries"] == 2);
  CHECK(params["mode"] == "fast");
  CHECK(params["dry"] == true);
  CHECK(params["ratio"] == 2);
}

TEST_CASE("secret params are *** in the summary, the output and the dry run") {
  Runs r;
  std::string file = r.file(kTypedWorkflow);
  std::string output = (r.dir.path() / "out.json").string();
  ProcessResult result = r.run({file, "--json", "--output", output});
  REQUIRE(result.exit_code == 0);
  CHECK(result.out.find("s3cr3t-value") == std::string::npos);
  nlohmann::json summary = nlohmann::json::parse(result.out);
  CHECK(summary["params"]["token"] == "***");
  CHECK(summary["output"]["echo"] == "token=***");
  CHECK(read_text(output).find("s3cr3t-value") == std::string::npos);
  CHECK(read_text(r.state() + "/runs/" + summary["run_id"].get<std::string>() + "/summary.json")
            .find("s3cr3t-value") == std::string::npos);
  ProcessResult plan = r.run({file, "--dry-run"});
  CHECK(plan.out.find("s3cr3t-value") == std::string::npos);
}

TEST_CASE("--dry-run renders params and env and shows step outputs as placeholders") {
  Runs r;
  std::string file = r.file(R"(name: etl
params:
  day: {type: string, default: "2026-11-24"}
env:
  OUT: /data/${{ params.day }}
steps:
  - id: extract
    run: echo "path=$OUT/x.csv" >> "$FLOWRUN_OUTPUT"
  - id: load
    needs: extract
    if: params.day != ''
    cmd: [cat, "${{ steps.extract.outputs.path }}", "${{ env.OUT }}"]
    env:
      RUN: ${{ run.id }}
  - id: never
    if: ${{ params.day == 'x' }}
    run: echo ${{ params.day }} ${{ failure() }}
)");
  ProcessResult result = r.run({file, "--dry-run", "-p", "day=2026-12-01"});
  REQUIRE(result.exit_code == 0);
  CHECK(result.out.find("params: {\"day\":\"2026-12-01\"}") != std::string::npos);
  CHECK(result.out.find("cmd: [\"cat\",\"<steps.extract.outputs.path>\",\"/data/2026-12-01\"]") !=
        std::string::npos);
  // run.id is the dry run's own id, printed at the top of the plan.
  std::size_t id_at = result.out.find("run.id: ");
  REQUIRE(id_at != std::string::npos);
  CHECK(result.out.find("env RUN=" + result.out.substr(id_at + 8, 22) + "\n") !=
        std::string::npos);
  CHECK(result.out.find("load (needs extract) if params.day != '' -> true") != std::string::npos);
  CHECK(result.out.find("never if ${{ params.day == 'x' }} -> false") != std::string::npos);
  CHECK(result.out.find("run: echo 2026-12-01 <failure()>") != std::string::npos);
  CHECK_FALSE(r.ran_anything());
}

TEST_CASE("a hostile -p value reaches the step as data, never as shell code") {
  Runs r;
  std::string canary = (r.dir.path() / "canary").string();
  std::string file = r.file(
      "params:\n  name: {type: string}\nsteps:\n"
      "  - id: greet\n    run: echo hello ${{ params.name }}\n");
  std::string hostile = "x; touch " + canary + " $(touch " + canary + ") `touch " + canary + "`";
  ProcessResult result = r.run({file, "-p", "name=" + hostile, "--json"});
  REQUIRE(result.exit_code == 0);
  CHECK_FALSE(std::filesystem::exists(canary));
  nlohmann::json summary = nlohmann::json::parse(result.out);
  CHECK(read_text(summary["steps"][0]["log"].get<std::string>()) == "hello " + hostile + "\n");
}

TEST_CASE("the nightly ETL example runs for a given date and hands its file from step to step") {
  Runs r;
  std::string file = (source_dir() / "workflows" / "nightly_etl.yaml").string();
  ProcessResult result = r.run({file, "-p", "date=2026-11-25", "--json", "--no-history"});
  REQUIRE(result.exit_code == 0);
  nlohmann::json summary = nlohmann::json::parse(result.out);
  CHECK(summary["output"] ==
        nlohmann::json::parse(R"({"date": "2026-11-25", "rows": 4, "loaded": true})"));
  const nlohmann::json& extract = summary["steps"][1];
  CHECK(extract["outputs"]["path"].get<std::string>().find("orders-2026-11-25.csv") !=
        std::string::npos);
  CHECK(read_text(summary["steps"][2]["log"].get<std::string>()) == "kept 3 of 4 rows\n");
  CHECK(read_text(summary["steps"][3]["log"].get<std::string>()) == "loaded, total 67.49\n");
  CHECK(r.run({file, "-p", "date=25.11.2026"}).exit_code == 2);
}
