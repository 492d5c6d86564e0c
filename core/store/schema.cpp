#include "core/store/schema.hpp"

#include <fmt/format.h>

#include <array>
#include <cstring>
#include <fstream>

#include "core/util/error.hpp"

namespace flowrun {
namespace {

// Version N of the schema is reached by applying kMigrations[N - 1]; never edit a shipped one.
constexpr std::array<const char*, kSchemaVersion> kMigrations = {
    // 1: runs, the final state of their steps, every attempt, and the event history.
    R"sql(
CREATE TABLE runs (
  key INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  workflow TEXT NOT NULL,
  file TEXT NOT NULL,
  definition_hash TEXT NOT NULL,
  params TEXT NOT NULL DEFAULT '{}',
  status TEXT NOT NULL,
  started_ms INTEGER NOT NULL,
  ended_ms INTEGER,
  error TEXT,
  cause TEXT,
  output TEXT,
  stop_signal INTEGER NOT NULL DEFAULT 0,
  failed_step TEXT,
  owner_pid INTEGER NOT NULL DEFAULT 0,
  owner_start INTEGER NOT NULL DEFAULT 0,
  owner_boot TEXT NOT NULL DEFAULT '',
  parent_run TEXT,
  run_dir TEXT NOT NULL
);
CREATE INDEX runs_by_start ON runs (started_ms);
CREATE INDEX runs_by_workflow ON runs (workflow, status);
CREATE TABLE steps (
  run INTEGER NOT NULL,
  idx INTEGER NOT NULL,
  step_id TEXT NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  exit_code INTEGER NOT NULL DEFAULT -1,
  signal INTEGER NOT NULL DEFAULT 0,
  started_ms INTEGER NOT NULL DEFAULT 0,
  ended_ms INTEGER NOT NULL DEFAULT 0,
  has_log INTEGER NOT NULL DEFAULT 0,
  continued INTEGER NOT NULL DEFAULT 0,
  cause TEXT,
  outputs TEXT,
  PRIMARY KEY (run, idx)
) WITHOUT ROWID;
CREATE TABLE attempts (
  run INTEGER NOT NULL,
  idx INTEGER NOT NULL,
  item_index INTEGER NOT NULL DEFAULT -1,
  attempt INTEGER NOT NULL,
  step_id TEXT NOT NULL,
  status TEXT NOT NULL,
  exit_code INTEGER NOT NULL DEFAULT -1,
  signal INTEGER NOT NULL DEFAULT 0,
  started_ms INTEGER NOT NULL,
  ended_ms INTEGER NOT NULL DEFAULT 0,
  log_path TEXT,
  pgid INTEGER NOT NULL DEFAULT 0,
  outputs TEXT,
  PRIMARY KEY (run, idx, item_index, attempt)
) WITHOUT ROWID;
CREATE TABLE events (
  run INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  at_ms INTEGER NOT NULL,
  type TEXT NOT NULL,
  step_id TEXT,
  attempt INTEGER,
  detail TEXT,
  PRIMARY KEY (run, seq)
) WITHOUT ROWID;
)sql",
    // 2: redrives are counted.
    R"sql(
ALTER TABLE runs ADD COLUMN redrive_count INTEGER NOT NULL DEFAULT 0;
)sql",
    // 3: run properties (`flowrun props`), run-wide key/values set by steps.
    R"sql(
CREATE TABLE props (
  run INTEGER NOT NULL,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  set_ms INTEGER NOT NULL,
  step_id TEXT,
  PRIMARY KEY (run, key)
) WITHOUT ROWID;
)sql",
    // 4: approval steps: asked by the run's owner, answered by `flowrun approve`. state is
    // waiting, answered (not yet applied to the step) or closed; answer is JSON.
    R"sql(
CREATE TABLE approvals (
  run INTEGER NOT NULL,
  step_id TEXT NOT NULL,
  state TEXT NOT NULL,
  requested_ms INTEGER NOT NULL,
  deadline_ms INTEGER NOT NULL DEFAULT 0,
  message TEXT,
  answer TEXT,
  PRIMARY KEY (run, step_id)
) WITHOUT ROWID;
)sql",
    // 5: events becomes a rowid table. An ASL execution writes its history many events to a
    // row (rows of ~16 KiB, event_batch.hpp), and in a WITHOUT ROWID table every key
    // comparison of an insert read such a row back from its overflow pages: most of the cost
    // of recording a Pass chain. A rowid table appends the row and compares only the small
    // keys of its (run, seq) index.
    R"sql(
CREATE TABLE events_v5 (
  run INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  at_ms INTEGER NOT NULL,
  type TEXT NOT NULL,
  step_id TEXT,
  attempt INTEGER,
  detail TEXT,
  PRIMARY KEY (run, seq)
);
INSERT INTO events_v5 (run, seq, at_ms, type, step_id, attempt, detail)
  SELECT run, seq, at_ms, type, step_id, attempt, detail FROM events ORDER BY run, seq;
DROP TABLE events;
ALTER TABLE events_v5 RENAME TO events;
)sql",
    // 6: no table changes. An EventBatch row may leave an event's time out when it equals
    // the line before's (event_batch.hpp); a flowrun of schema 5 would read those events as
    // written in 1970, so it is told to use a newer flowrun instead.
    R"sql(
SELECT 1;
)sql",
};

void check_not_newer(const Database& db, std::int64_t version) {
  if (version > kSchemaVersion) {
    throw Error(fmt::format(
        "the run history '{}' has schema version {}, newer than this flowrun knows ({}); "
        "use a newer flowrun",
        db.path(), version, kSchemaVersion));
  }
}

// Throws unless `db` is empty or a flowrun history this build can read; returns its version.
std::int64_t check_ours(Database& db) {
  std::int64_t application = db.query_int("PRAGMA application_id");
  std::int64_t version = db.query_int("PRAGMA user_version");
  bool empty = db.query_int("SELECT count(*) FROM sqlite_master") == 0;
  if (application != kApplicationId && !(application == 0 && version == 0 && empty)) {
    throw Error(fmt::format(
        "'{}' is an SQLite database of another program, not a flowrun run history; move it "
        "away or choose another --state-dir",
        db.path()));
  }
  check_not_newer(db, version);
  return version;
}

}  // namespace

void check_history_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return;
  char header[16] = {};
  in.read(header, sizeof header);
  std::streamsize got = in.gcount();
  if (got == 0) return;
  if (got < 16 || std::memcmp(header, "SQLite format 3", 16) != 0) {
    throw Error(fmt::format(
        "'{}' is not a flowrun run history (not an SQLite database); move it away to start a "
        "new one",
        path));
  }
}

void migrate_schema(Database& db, int target) {
  std::int64_t version = 0;
  {
    // One read transaction, so the three facts come from the same moment even while
    // another flowrun creates the schema.
    db.execute("BEGIN");
    try {
      version = check_ours(db);
    } catch (...) {
      db.rollback();
      throw;
    }
    db.commit();
  }
  if (version >= target) return;
  // A new history gets 16 KiB pages (before its first table: a file keeps the size it was
  // made with). ASL runs write their events in rows of up to a megabyte, and larger pages
  // write them, and checkpoint them, in a quarter of the system calls of 4 KiB pages.
  if (version == 0) db.execute("PRAGMA page_size = 16384");
  Transaction transaction(db);
  version = check_ours(db);  // another flowrun may have migrated it meanwhile
  for (auto v = version; v < target; ++v) db.execute(kMigrations[static_cast<std::size_t>(v)]);
  db.execute(fmt::format("PRAGMA application_id = {}; PRAGMA user_version = {}", kApplicationId,
                         std::max<std::int64_t>(version, target)));
  transaction.commit();
}

}  // namespace flowrun
