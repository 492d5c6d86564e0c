#include <doctest/doctest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "support/cli_runner.hpp"
#include "support/gzip_writer.hpp"

// A Map's ItemReader through the real binary: its Resource is bound like a Task's (exact or
// `*` pattern), an unbound one stops the run before anything runs, and a ResultWriter is
// named in a note. Reading each InputType is in tests/asl/executions/item_reader_*.json and
// tests/asl/cases/item_reader.json.

namespace flowrun::test {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

constexpr const char* kReadingMap = R"({"StartAt": "Read", "States": {
  "Read": {"Type": "Map", "End": true,
    "ItemReader": {"Resource": "arn:aws:states:::s3:getObject",
                   "ReaderConfig": {"InputType": "JSON"},
                   "Parameters": {"Bucket": "b", "Key": "k.json"}},
    "ResultWriter": {"Resource": "arn:aws:states:::s3:putObject",
                     "Parameters": {"Bucket": "out", "Prefix": "results"}},
    "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
      "StartAt": "Item", "States": {"Item": {"Type": "Pass", "End": true}}}}}})";

}  // namespace

TEST_CASE("a Map whose ItemReader has no binding is refused before it runs, naming the state") {
  TempDir dir;
  fs::path machine = dir.write("m.asl.json", kReadingMap);
  fs::path bindings = dir.write("b.yaml", "arn:other: 'echo 1'\n");
  ProcessResult result = run_flowrun({"run", machine.string(), "--resources", bindings.string(),
                                      "--state-dir", (dir.path() / "state").string()});
  CHECK(result.exit_code == 2);
  CHECK(result.err.find(machine.string() +
                        ":3:5: error: Map state 'Read' reads its items with ItemReader resource "
                        "'arn:aws:states:::s3:getObject', which has no binding") !=
        std::string::npos);
  CHECK(result.err.find("note: add it to " + bindings.string()) != std::string::npos);
  CHECK_FALSE(fs::exists(dir.path() / "state" / "runs"));

  ProcessResult without =
      run_flowrun({"run", machine.string(), "--state-dir", (dir.path() / "state").string()});
  CHECK(without.exit_code == 2);
  CHECK(without.err.find("Map state 'Read' reads its items with ItemReader") != std::string::npos);
}

TEST_CASE("an ItemReader is bound by a pattern, and its ResultWriter is named in a note") {
  TempDir dir;
  fs::path machine = dir.write("m.asl.json", kReadingMap);
  fs::path bindings = dir.write("b.yaml", "'arn:aws:states:::s3:*': \"echo '[1, 2]'\"\n");
  ProcessResult result = run_flowrun({"run", machine.string(), "--resources", bindings.string(),
                                      "--json", "--state-dir", (dir.path() / "state").string()});
  INFO(result.err);
  CHECK(result.exit_code == 0);
  json summary = json::parse(result.out);
  CHECK(summary["output"] == json{1, 2});
  CHECK(result.err.find("flowrun: note: Map state 'Read' has a ResultWriter, which is not used "
                        "locally: its results stay in the state's output") != std::string::npos);
  // The Map's entry in the summary names the reader's log and exit code.
  const json& read = summary["steps"][0];
  CHECK(read["id"] == "Read");
  CHECK(read["exit_code"] == 0);
  CHECK(read["log"].get<std::string>().find("Read.items-0.attempt-1.log") != std::string::npos);
}

TEST_CASE("--dry-run lists a Map's ItemReader with the action that reads its items") {
  TempDir dir;
  fs::path machine = dir.write("m.asl.json", kReadingMap);
  fs::path bindings = dir.write("b.yaml", "'arn:aws:states:::s3:*': \"echo '[1, 2]'\"\n");
  ProcessResult plan =
      run_flowrun({"run", machine.string(), "--resources", bindings.string(), "--dry-run"});
  INFO(plan.err);
  CHECK(plan.exit_code == 0);
  CHECK(plan.out.find("  Read (ItemReader arn:aws:states:::s3:getObject)\n      run: echo '[1, "
                      "2]'\n") != std::string::npos);
  ProcessResult json_plan = run_flowrun(
      {"run", machine.string(), "--resources", bindings.string(), "--dry-run", "--json"});
  CHECK(json::parse(json_plan.out)["tasks"] ==
        json::parse(R"([{"state": "Read", "resource": "arn:aws:states:::s3:getObject",
                         "action": "run: echo '[1, 2]'", "item_reader": true}])"));
}

TEST_CASE(
    "a JSONata Map's ItemReader gets its evaluated Arguments on stdin, and its items go through "
    "ItemSelector") {
  TempDir dir;
  fs::path machine = dir.write("m.asl.json", R"({"QueryLanguage": "JSONata", "StartAt": "Read",
  "States": {"Read": {"Type": "Map", "End": true,
    "ItemReader": {"Resource": "arn:aws:states:::s3:getObject",
                   "ReaderConfig": {"InputType": "JSONL",
                                    "MaxItems": "{% $count($states.input.skip) + 1 %}"},
                   "Arguments": {"Bucket": "{% $states.input.bucket %}", "Key": "day.jsonl"}},
    "ItemSelector": {"id": "{% $states.context.Map.Item.Value.id %}"},
    "ItemProcessor": {"StartAt": "Item", "States": {"Item": {"Type": "Pass", "End": true}}}}}})");
  fs::path bindings = dir.write("b.yaml",
                                "'arn:aws:states:::s3:getObject': >-\n"
                                "  cat > /dev/null;\n"
                                "  printf '{\"id\": 7}\\n\\n{\"id\": 8}\\n{\"id\": 9}\\n'\n");
  ProcessResult result = run_flowrun({"run", machine.string(), "--resources", bindings.string(),
                                      "--input", R"({"bucket": "orders", "skip": [1]})", "--json",
                                      "--state-dir", (dir.path() / "state").string()});
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  json summary = json::parse(result.out);
  CHECK(summary["output"] == json::parse(R"([{"id": 7}, {"id": 8}])"));
  const std::string log = summary["steps"][0]["log"];
  fs::path request = fs::path(log).parent_path() / "Read.items-0.attempt-1.input.json";
  CHECK(json::parse(read_text(request)) ==
        json::parse(R"({"Bucket": "orders", "Key": "day.jsonl"})"));
}

TEST_CASE(
    "an S3 inventory's gzip-compressed data files are decompressed and read in manifest order; "
    "a corrupt one fails the Map with States.ItemReaderFailed") {
  TempDir dir;
  fs::path machine = dir.write("m.asl.json", R"({"StartAt": "Read", "States": {
  "Read": {"Type": "Map", "End": true,
    "ItemReader": {"Resource": "arn:aws:states:::s3:getObject",
                   "ReaderConfig": {"InputType": "MANIFEST"},
                   "Parameters": {"Bucket": "inventory", "Key": "manifest.json"}},
    "ItemProcessor": {"StartAt": "Item", "States": {"Item": {"Type": "Pass", "End": true}}}}}})");
  dir.write("manifest.json", R"({"destinationBucket": "arn:aws:s3:::inventory",
    "fileFormat": "CSV", "fileSchema": "Bucket, Key, Size",
    "files": [{"key": "data/1.csv.gz"}, {"key": "data/2.csv.gz"}]})");
  std::string rows;
  for (int i = 0; i < 500; ++i) rows += "\"src\",\"in/" + std::to_string(i) + ".csv\",\"12\"\n";
  dir.write("data/1.csv.gz", test::gzip_compress(rows));
  dir.write("data/2.csv.gz", test::gzip_compress("\"src\",\"last.csv\",\"3\"\n"));
  // The action prints the object the request names, from the folder beside the machine.
  fs::path bindings = dir.write("b.yaml",
                                "'arn:aws:states:::s3:getObject': >-\n"
                                "  request=$(cat); key=${request#*\\\"Key\\\":\\\"};\n"
                                "  cat \"" +
                                    dir.path().string() + "/${key%%\\\"*}\"\n");
  auto run = [&] {
    return run_flowrun({"run", machine.string(), "--resources", bindings.string(), "--json",
                        "--state-dir", (dir.path() / "state").string()});
  };
  ProcessResult result = run();
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  json output = json::parse(result.out)["output"];
  REQUIRE(output.size() == 501);
  CHECK(output[0] == json::parse(R"({"Bucket": "src", "Key": "in/0.csv", "Size": "12"})"));
  CHECK(output[499]["Key"] == "in/499.csv");
  CHECK(output[500] == json::parse(R"({"Bucket": "src", "Key": "last.csv", "Size": "3"})"));

  std::string corrupt = test::gzip_compress(rows);
  corrupt.resize(corrupt.size() / 2);
  dir.write("data/2.csv.gz", corrupt);
  ProcessResult failed = run();
  CHECK(failed.exit_code == 1);
  json summary = json::parse(failed.out);
  CHECK(summary["error"] == "States.ItemReaderFailed");
  CHECK(summary["cause"] ==
        "an inventory data file cannot be decompressed: the gzip data is "
        "truncated");
}

}  // namespace flowrun::test
