#include "core/store/run_store.hpp"

#include <doctest/doctest.h>
#include <sys/stat.h>

#include <fstream>

#include "core/store/run_props.hpp"
#include "core/store/schema.hpp"
#include "core/util/error.hpp"
#include "support/cli_runner.hpp"

using namespace flowrun;
using namespace flowrun::test;

namespace {

std::string error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const Error& e) {
    return e.what();
  }
  return {};
}

mode_t mode_of(const std::filesystem::path& path) {
  struct stat info {};
  stat(path.c_str(), &info);
  return info.st_mode & 0777;
}

NewRun sample_run(const std::string& id) {
  NewRun run;
  run.id = id;
  run.workflow = "w";
  run.file = "/tmp/w.yaml";
  run.definition_hash = hash_text("steps: []");
  run.run_dir = "/tmp/runs/" + id;
  return run;
}

}  // namespace

TEST_CASE("a new history is private: a 0700 state folder and a 0600 database") {
  TempDir dir;
  auto state = dir.path() / "state";
  auto store = RunStore::open(state.string());
  CHECK(mode_of(state) == 0700);
  CHECK(mode_of(state / "flowrun.db") == 0600);
  CHECK(store->db().query_int("PRAGMA user_version") == kSchemaVersion);
  CHECK(store->db().query_int("PRAGMA application_id") == kApplicationId);
}

TEST_CASE("a history of schema version 1 is migrated and keeps its runs") {
  TempDir dir;
  auto state = dir.path() / "state";
  std::filesystem::create_directories(state);
  {
    Database db((state / "flowrun.db").string());
    migrate_schema(db, 1);
    db.execute(
        "INSERT INTO runs (id, workflow, file, definition_hash, status, started_ms, run_dir) "
        "VALUES ('20260101-000000-abcdef', 'old', '/x.yaml', '0', 'failed', 1, '/r')");
    CHECK(db.query_int("PRAGMA user_version") == 1);
  }
  auto store = RunStore::open(state.string());
  CHECK(store->db().query_int("PRAGMA user_version") == kSchemaVersion);
  std::optional<RunRow> run = store->find_run("20260101-000000-abcdef");
  REQUIRE(run);
  CHECK(run->workflow == "old");
  CHECK(run->status == RunStatus::Failed);
  CHECK(run->redrive_count == 0);
}

TEST_CASE("a history written by a newer flowrun is refused with a clear error") {
  TempDir dir;
  auto state = dir.path() / "state";
  { RunStore::open(state.string())->db().execute("PRAGMA user_version = 99"); }
  std::string message = error_of([&] { RunStore::open(state.string()); });
  CHECK(message.find("has schema version 99, newer than this flowrun knows") != std::string::npos);
}

TEST_CASE("a file that is not SQLite is refused and left as it was") {
  TempDir dir;
  auto db = dir.write("state/flowrun.db", "this is not a database, but somebody's notes\n");
  std::string message = error_of([&] { RunStore::open((dir.path() / "state").string()); });
  CHECK(message.find("is not a flowrun run history (not an SQLite database)") != std::string::npos);
  CHECK(read_text(db) == "this is not a database, but somebody's notes\n");
}

TEST_CASE("another program's SQLite database is refused and left as it was") {
  TempDir dir;
  auto state = dir.path() / "state";
  std::filesystem::create_directories(state);
  auto path = state / "flowrun.db";
  {
    Database(path.string()).execute("CREATE TABLE notes (text TEXT); INSERT INTO notes VALUES (1)");
  }
  std::string before = read_text(path);
  std::string message = error_of([&] { RunStore::open(state.string()); });
  CHECK(message.find("an SQLite database of another program") != std::string::npos);
  CHECK(read_text(path) == before);
}

TEST_CASE("a corrupted history is refused with a clear error and not overwritten") {
  TempDir dir;
  auto state = dir.path() / "state";
  { RunStore::open(state.string()); }
  auto path = state / "flowrun.db";
  std::string bytes = read_text(path);
  REQUIRE(bytes.size() > 200);
  for (std::size_t i = 100; i < bytes.size() && i < 4096; ++i) bytes[i] = '\x5a';
  { std::ofstream(path, std::ios::binary) << bytes; }
  std::string message = error_of([&] { RunStore::open(state.string()); });
  CHECK(message.find("is corrupted or not a flowrun database") != std::string::npos);
  CHECK(read_text(path) == bytes);
}

TEST_CASE("a running run whose owner is gone is interrupted") {
  TempDir dir;
  auto store = RunStore::open((dir.path() / "state").string());
  int active = 0;
  std::int64_t key = store->claim_run(sample_run("r1"), 0, active);
  REQUIRE(key > 0);
  CHECK(effective_status(*store->find_run("r1")) == RunStatus::Running);
  // The same pid with another start time: the pid was reused by another process.
  store->db().execute("UPDATE runs SET owner_start = owner_start + 1");
  CHECK(effective_status(*store->find_run("r1")) == RunStatus::Interrupted);
}

TEST_CASE("claim_run gives no slot beyond the limit, and interrupted runs hold none") {
  TempDir dir;
  auto store = RunStore::open((dir.path() / "state").string());
  int active = 0;
  CHECK(store->claim_run(sample_run("r1"), 1, active) > 0);
  CHECK(store->claim_run(sample_run("r2"), 1, active) == 0);
  CHECK(active == 1);
  store->db().execute("UPDATE runs SET owner_pid = 0 WHERE id = 'r1'");
  CHECK(store->claim_run(sample_run("r3"), 1, active) > 0);
}

TEST_CASE("runs are found by id, unique prefix or 'last'; otherwise a suggestion") {
  TempDir dir;
  auto store = RunStore::open((dir.path() / "state").string());
  int active = 0;
  store->claim_run(sample_run("20260101-000000-aaaaaa"), 0, active);
  store->claim_run(sample_run("20260102-000000-bbbbbb"), 0, active);
  CHECK(store->resolve_run("20260102").id == "20260102-000000-bbbbbb");
  CHECK(store->resolve_run("last").id == "20260102-000000-bbbbbb");
  CHECK(error_of([&] { store->resolve_run("2026010"); }).find("ambiguous") != std::string::npos);
  CHECK(error_of([&] {
          store->resolve_run("20260101-000000-aaaaab");
        }).find("did you mean '20260101-000000-aaaaaa'?") != std::string::npos);
}

TEST_CASE("a history of schema version 4 keeps its events, in order, in a rowid table") {
  TempDir dir;
  auto state = dir.path() / "state";
  std::filesystem::create_directories(state);
  {
    Database db((state / "flowrun.db").string());
    migrate_schema(db, 4);
    db.execute(
        "INSERT INTO runs (id, workflow, file, definition_hash, status, started_ms, run_dir) "
        "VALUES ('20260101-000000-abcdef', 'old', '/x.yaml', '0', 'succeeded', 1, '/r')");
    // Inserted out of order: the migration must not depend on the order rows were written.
    db.execute(
        "INSERT INTO events (run, seq, at_ms, type, step_id, attempt, detail) VALUES "
        "(1, 2, 20, 'StepSucceeded', 'b', 1, '{\"n\": 2}'), "
        "(1, 1, 10, 'StepStarted', 'a', 1, '{\"n\": 1}')");
  }
  auto store = RunStore::open(state.string());
  CHECK(store->db().query_int("PRAGMA user_version") == kSchemaVersion);
  // Large batch rows were slow to insert into the WITHOUT ROWID table (asl_recorder.hpp).
  CHECK(store->db().query_int("SELECT count(*) FROM sqlite_master WHERE name = 'events' AND "
                              "sql LIKE '%WITHOUT ROWID%'") == 0);
  std::optional<RunRow> run = store->find_run("20260101-000000-abcdef");
  REQUIRE(run);
  std::vector<EventRow> events = store->events_of(run->key);
  REQUIRE(events.size() == 2);
  CHECK(events[0].seq == 1);
  CHECK(events[0].type == "StepStarted");
  CHECK(events[0].step_id == "a");
  CHECK(events[0].detail == "{\"n\": 1}");
  CHECK(events[1].seq == 2);
  CHECK(events[1].at_ms == 20);
  // seq stays unique per run.
  CHECK_THROWS(store->db().execute(
      "INSERT INTO events (run, seq, at_ms, type) VALUES (1, 2, 30, 'Duplicate')"));
}

TEST_CASE("a history of schema version 2 gains run properties and keeps its runs") {
  TempDir dir;
  auto state = dir.path() / "state";
  std::filesystem::create_directories(state);
  {
    Database db((state / "flowrun.db").string());
    migrate_schema(db, 2);
    db.execute(
        "INSERT INTO runs (id, workflow, file, definition_hash, status, started_ms, run_dir) "
        "VALUES ('20260101-000000-abcdef', 'old', '/x.yaml', '0', 'running', 1, '/r')");
    CHECK(db.query_int("PRAGMA user_version") == 2);
  }
  auto store = RunStore::open(state.string());
  CHECK(store->db().query_int("PRAGMA user_version") == kSchemaVersion);
  std::optional<RunRow> run = store->find_run("20260101-000000-abcdef");
  REQUIRE(run);
  RunProps props(store->db(), run->key);
  CHECK(props.list().empty());
  props.set("rows", "41", "count");
  std::string current;
  CHECK(props.increment("rows", 1, "count", current) == 42);
  CHECK(props.get("rows") == "42");
  props.set("name", "x", "");
  CHECK(props.increment("name", 1, "", current) == std::nullopt);
  CHECK(current == "x");
  CHECK(props.list() == nlohmann::json{{"name", "x"}, {"rows", "42"}});
  store->delete_runs({run->key});
  CHECK(store->db().query_int("SELECT count(*) FROM props") == 0);
}
