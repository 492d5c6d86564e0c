#include "core/store/asl_recorder.hpp"

#include "core/engine/event_loop.hpp"
#include "core/report/asl_summary.hpp"
#include "core/store/event_batch.hpp"

namespace flowrun {

SqliteExecutionRecorder::SqliteExecutionRecorder(Database& db, std::int64_t run_key,
                                                 const RunFolder& folder, int redrive_count)
    : db_(db),
      run_key_(run_key),
      folder_(folder),
      redrive_count_(redrive_count),
      // seq is taken inside the write transaction: other commands (task-success, cancel)
      // append events to the same run.
      insert_event_(db,
                    "INSERT INTO events (run, seq, at_ms, type, detail) VALUES (?1, "
                    "(SELECT coalesce(max(seq), 0) + 1 FROM events WHERE run = ?1), ?2, ?3, ?4)"),
      insert_attempt_(db,
                      "INSERT OR REPLACE INTO attempts (run, idx, item_index, attempt, step_id, "
                      "status, started_ms, pgid, log_path) VALUES (?1, ?2, ?3, ?4, ?5, "
                      "'running', ?6, ?7, ?8)"),
      finish_attempt_(db,
                      "UPDATE attempts SET status = ?5, exit_code = ?6, ended_ms = ?7 WHERE "
                      "run = ?1 AND idx = ?2 AND item_index = ?3 AND attempt = ?4") {
  batch_.text.reserve(kBatchBytes + (1 << 16));
}

SqliteExecutionRecorder::~SqliteExecutionRecorder() { db_.rollback(); }

void SqliteExecutionRecorder::execution_started(const RunState& state) {
  Statement update(db_, "UPDATE runs SET status = 'running', started_ms = ?2 WHERE key = ?1");
  update.bind(1, run_key_).bind(2, state.started_ms);
  update.run();
  folder_.write_file("summary.json", render_asl_summary(state, {}, redrive_count_) + "\n");
}

void SqliteExecutionRecorder::event(asl::HistoryEvent&& event) {
  if (batch_.empty()) batch_at_ms_ = event.at_ms;
  append_batched_event(batch_, event.at_ms, event.type, event.state, event.attempt, event.frame,
                       event.detail, event.state_is_plain);
  if (batch_.size() >= kBatchBytes) commit();
}

void SqliteExecutionRecorder::wrapped_event(const asl::HistoryEvent& event, std::string_view head,
                                            std::string_view body) {
  if (batch_.empty()) batch_at_ms_ = event.at_ms;
  append_batched_event(batch_, event.at_ms, event.type, event.state, event.attempt, event.frame,
                       head, body, event.state_is_plain);
  if (batch_.size() >= kBatchBytes) commit();
}

void SqliteExecutionRecorder::attempt_started(const asl::TaskAttempt& attempt) {
  attempts_.push_back(AttemptWrite{false, static_cast<std::int64_t>(attempt.step),
                                   attempt.item_index, attempt.attempt, std::string(attempt.state),
                                   "running", -1, now_epoch_ms(), attempt.pgid,
                                   std::string(attempt.log_path)});
}

void SqliteExecutionRecorder::attempt_finished(const asl::TaskAttempt& attempt) {
  attempts_.push_back(AttemptWrite{true, static_cast<std::int64_t>(attempt.step),
                                   attempt.item_index, attempt.attempt, std::string(attempt.state),
                                   std::string(to_string(attempt.status)), attempt.exit_code,
                                   now_epoch_ms(), attempt.pgid, std::string(attempt.log_path)});
}

std::int64_t SqliteExecutionRecorder::flush() {
  if (batch_.empty() && attempts_.empty()) return -1;
  std::int64_t waited_ms = (monotonic_ns() - last_commit_ns_) / 1000000;
  if (waited_ms < kBatchMs) return kBatchMs - waited_ms;
  commit();
  return -1;
}

void SqliteExecutionRecorder::commit() {
  last_commit_ns_ = monotonic_ns();
  if (batch_.empty() && attempts_.empty()) return;
  Transaction transaction(db_);
  if (!batch_.empty()) {
    insert_event_.bind(1, run_key_).bind(2, batch_at_ms_).bind(3, kEventBatchType);
    insert_event_.bind_unowned(4, batch_.text);
    insert_event_.run();
  }
  for (const AttemptWrite& write : attempts_) {
    if (!write.finished) {
      insert_attempt_.bind(1, run_key_).bind(2, write.step).bind(3, write.item_index);
      insert_attempt_.bind(4, write.attempt).bind(5, write.state).bind(6, write.at_ms);
      insert_attempt_.bind(7, write.pgid).bind(8, write.log_path);
      insert_attempt_.run();
    } else {
      finish_attempt_.bind(1, run_key_).bind(2, write.step).bind(3, write.item_index);
      finish_attempt_.bind(4, write.attempt).bind(5, write.status).bind(6, write.exit_code);
      finish_attempt_.bind(7, write.at_ms);
      finish_attempt_.run();
    }
  }
  transaction.commit();
  batch_.clear();
  attempts_.clear();
}

void SqliteExecutionRecorder::execution_finished(const RunState& state,
                                                 const asl::StateRuns& states) {
  commit();
  std::string failed_state;
  for (const asl::StateRun& run : states) {
    if (run.status == StepStatus::Failed || run.status == StepStatus::TimedOut) {
      failed_state = run.state->name;
    }
  }
  Statement update(db_,
                   "UPDATE runs SET status = ?2, ended_ms = ?3, error = ?4, cause = ?5, "
                   "output = ?6, stop_signal = ?7, failed_step = ?8 WHERE key = ?1");
  update.bind(1, run_key_).bind(2, to_string(state.status)).bind(3, state.ended_ms);
  update.bind_optional(4, state.error).bind_optional(5, state.cause);
  update.bind(6, state.output.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  update.bind(7, state.stop_signal);
  if (failed_state.empty()) {
    update.bind_null(8);
  } else {
    update.bind(8, failed_state);
  }
  update.run();
  // Streamed in pieces: the summary of a long execution is megabytes.
  AtomicFile summary(folder_.path() + "/summary.json");
  write_asl_summary(
      state, states, [&](std::string_view piece) { summary.write(piece); }, redrive_count_);
  summary.write("\n");
  summary.commit();
}

}  // namespace flowrun
