#include "core/store/run_store.hpp"

#include <fmt/format.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "core/engine/run_folder.hpp"
#include "core/store/event_batch.hpp"
#include "core/store/schema.hpp"
#include "core/util/error.hpp"
#include "core/util/text.hpp"

namespace flowrun {
namespace {

constexpr const char* kRunColumns =
    "key, id, workflow, file, definition_hash, run_dir, params, status, started_ms, "
    "ended_ms, error, cause, output, stop_signal, failed_step, owner_pid, owner_start, "
    "owner_boot, parent_run, redrive_count";

nlohmann::json parse_json(const std::string& text, nlohmann::json fallback) {
  if (text.empty()) return fallback;
  nlohmann::json value = nlohmann::json::parse(text, nullptr, false);
  return value.is_discarded() ? fallback : value;
}

std::optional<std::string> optional_text(const Statement& row, int column) {
  if (row.is_null(column)) return std::nullopt;
  return row.column_text(column);
}

RunRow read_run(const Statement& row) {
  RunRow run;
  run.key = row.column_int(0);
  run.id = row.column_text(1);
  run.workflow = row.column_text(2);
  run.file = row.column_text(3);
  run.definition_hash = row.column_text(4);
  run.run_dir = row.column_text(5);
  run.params = parse_json(row.column_text(6), nlohmann::json::object());
  run.status = parse_run_status(row.column_text(7)).value_or(RunStatus::Failed);
  run.started_ms = row.column_int(8);
  run.ended_ms = row.column_int(9);
  run.error = optional_text(row, 10);
  run.cause = optional_text(row, 11);
  run.output = parse_json(row.column_text(12), nlohmann::json::object());
  run.stop_signal = static_cast<int>(row.column_int(13));
  run.failed_step = row.column_text(14);
  run.owner.pid = static_cast<pid_t>(row.column_int(15));
  run.owner.start_ticks = row.column_int(16);
  run.owner.boot_id = row.column_text(17);
  run.parent_run = row.column_text(18);
  run.redrive_count = static_cast<int>(row.column_int(19));
  return run;
}

StepOutputs parse_outputs(const std::string& text) {
  StepOutputs outputs;
  nlohmann::json object = parse_json(text, nlohmann::json::object());
  if (!object.is_object()) return outputs;
  for (const auto& [key, value] : object.items()) {
    outputs.emplace_back(key, value.is_string() ? value.get<std::string>() : value.dump());
  }
  return outputs;
}

std::string resolve_root(const std::string& state_dir) {
  std::string root = std::filesystem::absolute(state_dir).lexically_normal().string();
  if (root.size() > 1 && root.back() == '/') root.pop_back();
  return root;
}

// Creating the schema and switching to WAL need the database to themselves, and SQLite
// answers "locked" at once rather than wait when waiting could deadlock (two flowruns that
// create the history together): the one that loses starts over.
std::unique_ptr<Database> open_database(const std::string& path) {
  check_history_file(path);
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  for (;;) {
    auto db = std::make_unique<Database>(path);
    try {
      migrate_schema(*db);
      // After the checks, so a foreign file is never turned into WAL mode.
      std::string mode;
      {
        Statement query(*db, "PRAGMA journal_mode");
        if (query.step()) mode = query.column_text(0);
      }
      if (mode != "wal") db->execute("PRAGMA journal_mode = WAL");
      db->execute("PRAGMA synchronous = NORMAL");
      // The WAL is kept between runs (see Database); after a checkpoint it is cut back to
      // this size rather than staying as large as the largest transaction made it.
      db->execute("PRAGMA journal_size_limit = 8388608");
      db->checkpoint_in_background();
      return db;
    } catch (const DatabaseBusy&) {
      if (std::chrono::steady_clock::now() > until) throw;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

}  // namespace

RunStatus effective_status(const RunRow& run) {
  // A waiting run was stopped on purpose by its flowrun (--no-wait): no owner is expected.
  if (run.status == RunStatus::Running && !is_alive(run.owner)) {
    return RunStatus::Interrupted;
  }
  return run.status;
}

std::string hash_text(std::string_view text) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  return fmt::format("{:016x}", hash);
}

std::unique_ptr<RunStore> RunStore::open(const std::string& state_dir) {
  std::string root = resolve_root(state_dir);
  create_private_directories(root);
  if (access(root.c_str(), W_OK) != 0) {
    throw Error(fmt::format("the state directory '{}' is not writable", root));
  }
  return std::unique_ptr<RunStore>(new RunStore(root, open_database(root + "/flowrun.db")));
}

std::unique_ptr<RunStore> RunStore::open_existing(const std::string& state_dir) {
  std::string root = resolve_root(state_dir);
  struct stat info {};
  if (stat((root + "/flowrun.db").c_str(), &info) != 0) return nullptr;
  return std::unique_ptr<RunStore>(new RunStore(root, open_database(root + "/flowrun.db")));
}

int RunStore::count_active(std::string_view workflow) {
  Statement query(*db_, std::string("SELECT ") + kRunColumns +
                            " FROM runs WHERE workflow = ?1 AND status IN ('running', 'waiting')");
  query.bind(1, workflow);
  int active = 0;
  while (query.step()) {
    if (effective_status(read_run(query)) != RunStatus::Interrupted) ++active;
  }
  return active;
}

std::int64_t RunStore::claim_run(const NewRun& run, int limit, int& active) {
  Transaction transaction(*db_);
  active = count_active(run.workflow);
  if (limit > 0 && active >= limit) return 0;
  ProcessOwner owner = current_owner();
  Statement insert(*db_,
                   "INSERT INTO runs (id, workflow, file, definition_hash, params, status, "
                   "started_ms, owner_pid, owner_start, owner_boot, parent_run, run_dir) "
                   "VALUES (?1, ?2, ?3, ?4, ?5, 'running', ?6, ?7, ?8, ?9, ?10, ?11)");
  insert.bind(1, run.id).bind(2, run.workflow).bind(3, run.file).bind(4, run.definition_hash);
  insert.bind(5, run.params.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  insert.bind(6, now_epoch_ms()).bind(7, owner.pid).bind(8, owner.start_ticks);
  insert.bind(9, owner.boot_id).bind(10, run.parent_run).bind(11, run.run_dir);
  insert.run();
  std::int64_t key = db_->last_insert_rowid();
  transaction.commit();
  return key;
}

bool RunStore::claim_redrive(const RunRow& run, bool count) {
  Transaction transaction(*db_);
  std::optional<RunRow> now = find_run(run.id);
  if (!now) return false;
  if ((now->status == RunStatus::Running || now->status == RunStatus::Waiting) &&
      is_alive(now->owner)) {
    return false;
  }
  ProcessOwner owner = current_owner();
  Statement update(*db_,
                   "UPDATE runs SET status = 'running', ended_ms = NULL, error = NULL, "
                   "cause = NULL, stop_signal = 0, failed_step = NULL, owner_pid = ?2, "
                   "owner_start = ?3, owner_boot = ?4, redrive_count = redrive_count + ?5 "
                   "WHERE key = ?1");
  update.bind(1, run.key).bind(2, owner.pid).bind(3, owner.start_ticks).bind(4, owner.boot_id);
  update.bind(5, count ? 1 : 0);
  update.run();
  transaction.commit();
  return true;
}

std::optional<RunRow> RunStore::find_run(std::string_view id) {
  Statement query(*db_, std::string("SELECT ") + kRunColumns + " FROM runs WHERE id = ?1");
  query.bind(1, id);
  if (!query.step()) return std::nullopt;
  return read_run(query);
}

RunRow RunStore::resolve_run(std::string_view reference) {
  if (reference == "last") {
    // The newest run that is not a child run: a parent starts before its `type: workflow`
    // children, and `resume last` / `status last` after it mean the parent.
    Statement query(*db_, std::string("SELECT ") + kRunColumns +
                              " FROM runs ORDER BY coalesce(parent_run, '') != '', "
                              "started_ms DESC, key DESC LIMIT 1");
    if (!query.step()) throw Error(fmt::format("no runs are recorded in '{}'", state_dir_));
    return read_run(query);
  }
  if (std::optional<RunRow> exact = find_run(reference)) return *exact;
  Statement query(*db_, std::string("SELECT ") + kRunColumns +
                            " FROM runs WHERE substr(id, 1, length(?1)) = ?1 LIMIT 2");
  query.bind(1, reference);
  std::vector<RunRow> matches;
  while (query.step()) matches.push_back(read_run(query));
  if (matches.size() == 1) return matches.front();
  if (matches.size() > 1) {
    throw Error(fmt::format("run id prefix '{}' is ambiguous; give more of the id", reference));
  }
  std::string message = fmt::format("no run '{}' in '{}'", reference, state_dir_);
  std::vector<std::string> ids;
  Statement recent(*db_, "SELECT id FROM runs ORDER BY started_ms DESC LIMIT 1000");
  while (recent.step()) ids.push_back(recent.column_text(0));
  if (auto suggestion = closest_match(reference, ids)) {
    message += fmt::format("; did you mean '{}'?", *suggestion);
  } else if (!ids.empty()) {
    message += "; 'flowrun runs' lists the recorded runs";
  }
  throw Error(message);
}

std::vector<RunRow> RunStore::list_runs(const RunFilter& filter) {
  Statement query(*db_, std::string("SELECT ") + kRunColumns +
                            " FROM runs WHERE (?1 = '' OR workflow = ?1) ORDER BY started_ms DESC, "
                            "key DESC");
  query.bind(1, filter.workflow);
  std::vector<RunRow> runs;
  while (query.step()) {
    RunRow run = read_run(query);
    if (filter.status && effective_status(run) != *filter.status) continue;
    runs.push_back(std::move(run));
    if (filter.limit > 0 && runs.size() >= static_cast<std::size_t>(filter.limit)) break;
  }
  return runs;
}

std::vector<StepRow> RunStore::steps_of(std::int64_t run_key) {
  Statement query(*db_,
                  "SELECT idx, step_id, status, attempts, exit_code, signal, started_ms, "
                  "ended_ms, has_log, continued, cause, outputs FROM steps WHERE run = ?1 "
                  "ORDER BY idx");
  query.bind(1, run_key);
  std::vector<StepRow> steps;
  while (query.step()) {
    StepRow step;
    step.index = static_cast<std::size_t>(query.column_int(0));
    step.step_id = query.column_text(1);
    StepRecord& record = step.record;
    record.status = parse_step_status(query.column_text(2)).value_or(StepStatus::Failed);
    record.attempts = static_cast<std::uint16_t>(query.column_int(3));
    record.exit_code = static_cast<std::int32_t>(query.column_int(4));
    record.signal = static_cast<std::uint8_t>(query.column_int(5));
    record.started_ms = query.column_int(6);
    record.ended_ms = query.column_int(7);
    record.has_log = query.column_int(8) != 0;
    record.continued = query.column_int(9) != 0;
    step.details.cause = query.column_text(10);
    step.details.outputs = parse_outputs(query.column_text(11));
    steps.push_back(std::move(step));
  }
  return steps;
}

std::vector<AttemptRow> RunStore::attempts_of(std::int64_t run_key) {
  Statement query(*db_,
                  "SELECT idx, step_id, attempt, status, exit_code, started_ms, ended_ms, "
                  "log_path, pgid, item_index FROM attempts WHERE run = ?1 "
                  "ORDER BY idx, item_index, attempt");
  query.bind(1, run_key);
  std::vector<AttemptRow> attempts;
  while (query.step()) {
    AttemptRow row;
    row.index = static_cast<std::size_t>(query.column_int(0));
    row.step_id = query.column_text(1);
    row.attempt = static_cast<int>(query.column_int(2));
    row.status = query.column_text(3);
    row.exit_code = static_cast<int>(query.column_int(4));
    row.started_ms = query.column_int(5);
    row.ended_ms = query.column_int(6);
    row.log_path = query.column_text(7);
    row.pgid = static_cast<pid_t>(query.column_int(8));
    row.item_index = static_cast<int>(query.column_int(9));
    attempts.push_back(std::move(row));
  }
  return attempts;
}

std::vector<EventRow> RunStore::events_of(std::int64_t run_key) {
  Statement query(*db_,
                  "SELECT seq, at_ms, type, step_id, attempt, detail FROM events WHERE run = ?1 "
                  "ORDER BY seq");
  query.bind(1, run_key);
  std::vector<EventRow> events;
  bool batched = false;
  while (query.step()) {
    if (query.column_text(2) == kEventBatchType) {
      expand_event_batch(query.column_text(5), events);
      batched = true;
      continue;
    }
    EventRow event;
    event.seq = query.column_int(0);
    event.at_ms = query.column_int(1);
    event.type = query.column_text(2);
    event.step_id = query.column_text(3);
    event.attempt = static_cast<int>(query.column_int(4));
    event.detail = query.column_text(5);
    events.push_back(std::move(event));
  }
  // Events inside batches get their place in the whole history as their number.
  if (batched) {
    for (std::size_t i = 0; i < events.size(); ++i)
      events[i].seq = static_cast<std::int64_t>(i) + 1;
  }
  return events;
}

void RunStore::append_event(std::int64_t run_key, std::string_view type, std::string_view detail,
                            std::string_view step_id) {
  Transaction transaction(*db_);
  Statement insert(*db_,
                   "INSERT INTO events (run, seq, at_ms, type, detail, step_id) VALUES (?1, "
                   "(SELECT coalesce(max(seq), 0) + 1 FROM events WHERE run = ?1), ?2, ?3, ?4, "
                   "?5)");
  insert.bind(1, run_key).bind(2, now_epoch_ms()).bind(3, type).bind(4, detail);
  if (step_id.empty()) {
    insert.bind_null(5);
  } else {
    insert.bind(5, step_id);
  }
  insert.run();
  transaction.commit();
}

void RunStore::record_cancel(const RunRow& run, std::string_view cause) {
  Transaction transaction(*db_);
  std::int64_t now = now_epoch_ms();
  Statement attempts(*db_,
                     "UPDATE attempts SET status = 'cancelled', ended_ms = ?2 WHERE run = ?1 AND "
                     "status = 'running'");
  attempts.bind(1, run.key).bind(2, now);
  attempts.run();
  // Approval steps of a run that stopped to wait for them (--no-wait).
  Statement waiting(*db_,
                    "UPDATE steps SET status = 'cancelled', ended_ms = ?2, cause = ?3 WHERE run "
                    "= ?1 AND status = 'waiting'");
  waiting.bind(1, run.key).bind(2, now).bind(3, cause);
  waiting.run();
  Statement approvals(*db_,
                      "UPDATE approvals SET state = 'closed' WHERE run = ?1 AND state = 'waiting'");
  approvals.bind(1, run.key);
  approvals.run();
  Statement update(*db_,
                   "UPDATE runs SET status = 'cancelled', ended_ms = ?2, error = 'Cancelled', "
                   "cause = ?3 WHERE key = ?1");
  update.bind(1, run.key).bind(2, now).bind(3, cause);
  update.run();
  Statement insert(*db_,
                   "INSERT INTO events (run, seq, at_ms, type, detail) VALUES (?1, "
                   "(SELECT coalesce(max(seq), 0) + 1 FROM events WHERE run = ?1), ?2, "
                   "'RunCancelled', ?3)");
  insert.bind(1, run.key).bind(2, now).bind(3, cause);
  insert.run();
  transaction.commit();
}

void RunStore::delete_runs(const std::vector<std::int64_t>& keys) {
  Transaction transaction(*db_);
  for (const char* table : {"events", "attempts", "steps", "props", "approvals"}) {
    Statement remove(*db_, fmt::format("DELETE FROM {} WHERE run = ?1", table));
    for (std::int64_t key : keys) {
      remove.bind(1, key);
      remove.run();
    }
  }
  Statement remove(*db_, "DELETE FROM runs WHERE key = ?1");
  for (std::int64_t key : keys) {
    remove.bind(1, key);
    remove.run();
  }
  transaction.commit();
}

}  // namespace flowrun
