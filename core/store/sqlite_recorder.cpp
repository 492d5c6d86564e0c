#include "core/store/sqlite_recorder.hpp"

#include <fmt/format.h>

#include "core/report/run_summary.hpp"

namespace flowrun {
namespace {

std::string outputs_json(const StepDetails* details) {
  if (!details || details->outputs.empty()) return {};
  std::string text = "{";
  for (const auto& [key, value] : details->outputs) {
    if (text.size() > 1) text += ", ";
    append_json_string(text, key);
    text += ": ";
    append_json_string(text, value);
  }
  return text + "}";
}

std::string dump(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

SqliteRecorder::SqliteRecorder(Database& db, std::int64_t run_key, const Workflow& workflow,
                               const RunFolder& folder, bool redrive)
    : db_(db),
      run_key_(run_key),
      workflow_(workflow),
      folder_(folder),
      summary_(workflow, folder),
      redrive_(redrive),
      insert_event_(db,
                    "INSERT INTO events (run, seq, at_ms, type, step_id, attempt, detail) "
                    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"),
      insert_attempt_(db,
                      "INSERT OR REPLACE INTO attempts (run, idx, attempt, step_id, status, "
                      "started_ms, pgid, log_path) VALUES (?1, ?2, ?3, ?4, 'running', ?5, ?6, ?7)"),
      finish_attempt_(db,
                      "UPDATE attempts SET status = ?4, exit_code = ?5, signal = ?6, ended_ms = "
                      "?7, log_path = ?8, outputs = ?9 WHERE run = ?1 AND idx = ?2 AND "
                      "item_index = -1 AND attempt = ?3"),
      upsert_step_(db,
                   "INSERT OR REPLACE INTO steps (run, idx, step_id, status, attempts, "
                   "exit_code, signal, started_ms, ended_ms, has_log, continued, cause, outputs) "
                   "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)") {
  Statement last(db, "SELECT coalesce(max(seq), 0) FROM events WHERE run = ?1");
  last.bind(1, run_key);
  if (last.step()) next_seq_ = last.column_int(0) + 1;
}

SqliteRecorder::~SqliteRecorder() { db_.rollback(); }

void SqliteRecorder::begin() {
  if (!db_.in_transaction()) db_.begin_immediate();
}

void SqliteRecorder::flush() {
  if (db_.in_transaction()) db_.commit();
}

void SqliteRecorder::event(std::string_view type, const std::string* step_id, int attempt,
                           std::string_view detail) {
  insert_event_.bind(1, run_key_).bind(2, next_seq_++).bind(3, now_epoch_ms()).bind(4, type);
  if (step_id) insert_event_.bind(5, *step_id);
  if (attempt > 0) insert_event_.bind(6, attempt);
  if (!detail.empty()) insert_event_.bind(7, detail);
  insert_event_.run();
}

void SqliteRecorder::run_started(const RunState& state) {
  begin();
  Statement update(db_, "UPDATE runs SET status = 'running', started_ms = ?2 WHERE key = ?1");
  update.bind(1, run_key_).bind(2, state.started_ms);
  update.run();
  // A redrive starts from kept steps: their rows stay (or are copied, for a new run); the
  // rows of the steps that run again go.
  std::size_t kept = 0;
  Statement forget(db_, "DELETE FROM steps WHERE run = ?1 AND idx = ?2");
  for (std::size_t i = 0; i < state.steps.size(); ++i) {
    if (is_final(state.steps[i].status)) {
      write_step(state, i);
      ++kept;
    } else if (redrive_) {
      forget.bind(1, run_key_).bind(2, static_cast<std::int64_t>(i));
      forget.run();
    }
  }
  event(redrive_ ? "RunRedriven" : "RunStarted", nullptr, 0,
        kept ? fmt::format("{} steps, {} kept", state.steps.size(), kept)
             : fmt::format("{} steps", state.steps.size()));
  flush();
  summary_.run_started(state);
}

void SqliteRecorder::attempt_started(const RunState&, std::size_t step, int attempt, pid_t pgid) {
  begin();
  const std::string& id = workflow_.steps[step].id;
  folder_.attempt_log_path(id, attempt, path_);
  insert_attempt_.bind(1, run_key_).bind(2, static_cast<std::int64_t>(step)).bind(3, attempt);
  insert_attempt_.bind(4, id).bind(5, now_epoch_ms()).bind(6, pgid).bind(7, path_);
  insert_attempt_.run();
  event("AttemptStarted", &id, attempt, pgid > 0 ? fmt::format("process group {}", pgid) : "");
}

void SqliteRecorder::attempt_finished(const RunState& state, std::size_t step,
                                      const AttemptResult& result) {
  begin();
  const std::string& id = workflow_.steps[step].id;
  std::string outputs = outputs_json(state.find_details(step));
  finish_attempt_.bind(1, run_key_)
      .bind(2, static_cast<std::int64_t>(step))
      .bind(3, result.attempt);
  finish_attempt_.bind(4, to_string(result.status)).bind(5, result.exit_code);
  finish_attempt_.bind(6, result.signal).bind(7, now_epoch_ms()).bind(8, result.log_path);
  if (!outputs.empty()) finish_attempt_.bind(9, outputs);
  finish_attempt_.run();
  event("AttemptFinished", &id, result.attempt,
        fmt::format("{} (exit code {})", to_string(result.status), result.exit_code));
}

void SqliteRecorder::step_retrying(const RunState& state, std::size_t step, std::int64_t delay_ms) {
  begin();
  event("StepRetrying", &workflow_.steps[step].id, state.steps[step].attempts + 1,
        fmt::format("next attempt in {}", format_duration(Duration{delay_ms})));
}

void SqliteRecorder::step_finished(const RunState& state, std::size_t step) {
  begin();
  write_step(state, step);
  const StepRecord& record = state.steps[step];
  const StepDetails* details = state.find_details(step);
  std::string detail(to_string(record.status));
  if (details && !details->cause.empty()) detail += ": " + details->cause;
  event("StepFinished", &workflow_.steps[step].id, 0, detail);
}

void SqliteRecorder::write_step(const RunState& state, std::size_t step) {
  const std::string& id = workflow_.steps[step].id;
  const StepRecord& record = state.steps[step];
  const StepDetails* details = state.find_details(step);
  std::string outputs = outputs_json(details);
  Statement& s = upsert_step_;
  s.bind(1, run_key_).bind(2, static_cast<std::int64_t>(step)).bind(3, id);
  s.bind(4, to_string(record.status)).bind(5, record.attempts).bind(6, record.exit_code);
  s.bind(7, record.signal).bind(8, record.started_ms).bind(9, record.ended_ms);
  s.bind(10, record.has_log ? 1 : 0).bind(11, record.continued ? 1 : 0);
  if (details && !details->cause.empty()) s.bind(12, details->cause);
  if (!outputs.empty()) s.bind(13, outputs);
  s.run();
}

void SqliteRecorder::run_finished(const RunState& state) {
  begin();
  std::string failed_step;
  for (std::size_t i = 0; i < state.steps.size(); ++i) {
    StepStatus status = state.steps[i].status;
    if ((status == StepStatus::Failed || status == StepStatus::TimedOut) &&
        !state.steps[i].continued) {
      failed_step = workflow_.steps[i].id;
      break;
    }
  }
  Statement update(db_,
                   "UPDATE runs SET status = ?2, ended_ms = ?3, error = ?4, cause = ?5, "
                   "output = ?6, stop_signal = ?7, failed_step = ?8 WHERE key = ?1");
  update.bind(1, run_key_).bind(2, to_string(state.status)).bind(3, state.ended_ms);
  update.bind_optional(4, state.error).bind_optional(5, state.cause);
  update.bind(6, dump(state.output)).bind(7, state.stop_signal);
  if (!failed_step.empty()) update.bind(8, failed_step);
  update.run();
  std::string detail(to_string(state.status));
  if (state.cause) detail += ": " + *state.cause;
  event("RunFinished", nullptr, 0, detail);
  flush();
  summary_.run_finished(state);
}

}  // namespace flowrun
