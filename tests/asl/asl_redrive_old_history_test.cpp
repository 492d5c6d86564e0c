#include <doctest/doctest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <tuple>

#include "core/store/event_batch.hpp"
#include "core/store/run_store.hpp"
#include "support/cli_runner.hpp"

// Redriving runs recorded by a flowrun from before frame tags (its history's events do not
// say which Parallel branch or Map iteration they belong to): such a history is made here by
// taking the tags out of a real run's rows.

namespace flowrun::test {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

// Removes `@frame` from the attempt field of every batched event of the state directory.
void strip_frame_tags(const std::string& state_dir) {
  std::unique_ptr<RunStore> store = RunStore::open_existing(state_dir);
  REQUIRE(store);
  std::vector<std::tuple<std::int64_t, std::int64_t, std::string>> rows;
  {
    Statement query(store->db(), "SELECT run, seq, detail FROM events WHERE type = ?1");
    query.bind(1, kEventBatchType);
    while (query.step()) {
      rows.emplace_back(query.column_int(0), query.column_int(1), query.column_text(2));
    }
  }
  std::size_t stripped = 0;
  for (auto& [run, seq, batch] : rows) {
    std::string out;
    std::size_t start = 0;
    while (start < batch.size()) {
      std::size_t end = batch.find('\n', start);
      std::string line = batch.substr(start, end - start);
      start = end == std::string::npos ? batch.size() : end + 1;
      // at TAB type TAB "state" TAB attempt[@frame] TAB detail
      std::size_t tab = 0;
      for (int field = 0; field < 3 && tab != std::string::npos; ++field) {
        tab = line.find('\t', tab + (field ? 1 : 0));
      }
      std::size_t attempt_end = line.find('\t', tab + 1);
      std::size_t at = line.find('@', tab + 1);
      if (at != std::string::npos && at < attempt_end) {
        line.erase(at, attempt_end - at);
        ++stripped;
      }
      out += line + "\n";
    }
    Statement update(store->db(), "UPDATE events SET detail = ?3 WHERE run = ?1 AND seq = ?2");
    update.bind(1, run).bind(2, seq).bind(3, out);
    update.run();
  }
  REQUIRE(stripped > 0);
}

std::size_t count_lines(const fs::path& path) {
  std::string text = read_text(path);
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

std::vector<std::string> event_types(const std::string& state_dir, const std::string& id) {
  ProcessResult history = run_flowrun({"history", id, "--json", "--state-dir", state_dir});
  std::vector<std::string> types;
  for (const json& event : json::parse(history.out)) types.push_back(event["type"]);
  return types;
}

}  // namespace

TEST_CASE("an old run that stopped inside a Map is refused a redrive, its history untouched") {
  TempDir dir;
  std::string state = (dir.path() / "state").string();
  auto machine = dir.write("m.asl.json", R"({"StartAt": "Each", "States": {
    "Each": {"Type": "Map", "End": true, "ItemProcessor": {"StartAt": "Work", "States": {
      "Work": {"Type": "Task", "Resource": "arn:work", "End": true}}}}}})");
  auto bindings = dir.write("b.yaml", "arn:work: 'test $FLOWRUN_ITEM != 2 || exit 1; echo 1'\n");
  ProcessResult failed =
      run_flowrun({"run", machine.string(), "--input", "[1, 2, 3]", "--resources",
                   bindings.string(), "--json", "--state-dir", state});
  REQUIRE(failed.exit_code == 1);
  std::string id = json::parse(failed.out)["run_id"];
  strip_frame_tags(state);
  std::vector<std::string> before = event_types(state, id);

  ProcessResult refused = run_flowrun({"resume", id, "--state-dir", state});
  CHECK(refused.exit_code == 2);
  CHECK(refused.err == "flowrun: error: run '" + id +
                           "' cannot be redriven: it was recorded by an older flowrun without "
                           "branch positions and stopped inside Parallel or Map state 'Each'; "
                           "start it again with `flowrun run`\n");
  CHECK(event_types(state, id) == before);
  ProcessResult status = run_flowrun({"status", id, "--json", "--state-dir", state});
  CHECK(json::parse(status.out)["status"] == "failed");
  CHECK(json::parse(status.out)["redrive_count"] == 0);
}

TEST_CASE("an old run that failed after its Parallel and Map ended is redriven from there") {
  TempDir dir;
  std::string state = (dir.path() / "state").string();
  auto machine = dir.write("m.asl.json", R"({"StartAt": "Both", "States": {
    "Both": {"Type": "Parallel", "Next": "Each", "Branches": [
      {"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:count", "End": true}}},
      {"StartAt": "B", "States": {"B": {"Type": "Pass", "Result": 2, "End": true}}}]},
    "Each": {"Type": "Map", "Next": "Last", "ItemProcessor": {"StartAt": "Item", "States": {
      "Item": {"Type": "Task", "Resource": "arn:count", "End": true}}}},
    "Last": {"Type": "Task", "Resource": "arn:last", "End": true}}})");
  // Last fails the first time.
  auto bindings = dir.write("b.yaml",
                            "arn:count: 'echo x >> count; echo 1'\n"
                            "arn:last: 'echo x >> last.count; test $(wc -l < last.count) -gt 1 "
                            "|| exit 1; echo \\\"last\\\"'\n");
  ProcessResult failed = run_flowrun(
      {"run", machine.string(), "--resources", bindings.string(), "--json", "--state-dir", state});
  REQUIRE(failed.exit_code == 1);
  std::string id = json::parse(failed.out)["run_id"];
  CHECK(count_lines(dir.path() / "count") == 3);
  strip_frame_tags(state);

  ProcessResult redriven = run_flowrun({"resume", id, "--json", "--state-dir", state});
  INFO(redriven.err);
  CHECK(redriven.exit_code == 0);
  CHECK(json::parse(redriven.out)["output"] == "last");
  CHECK(count_lines(dir.path() / "count") == 3);  // the branches and items did not run again
  CHECK(count_lines(dir.path() / "last.count") == 2);
}

}  // namespace flowrun::test
