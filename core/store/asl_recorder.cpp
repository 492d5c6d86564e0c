#include "core/store/asl_recorder.hpp"

#include "core/engine/event_loop.hpp"
#include "core/report/asl_summary.hpp"
#include "core/store/event_batch.hpp"
#include "core/util/json_text.hpp"

namespace flowrun {

SqliteExecutionRecorder::SqliteExecutionRecorder(Database& db, std::int64_t run_key,
                                                 const RunFolder& folder, int redrive_count)
    : db_(db),
      run_key_(run_key),
      folder_(folder),
      redrive_count_(redrive_count),
      writer_(db, run_key) {
  batch_.text.reserve(kBatchBytes + (1 << 16));
}

// An execution that ended by an exception did not finish: what it recorded since the last
// hand-over is still written, as far as the database lets.
SqliteExecutionRecorder::~SqliteExecutionRecorder() {
  try {
    hand_over();
  } catch (const std::exception&) {  // the writer already failed: nothing more can be kept
  }
}

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
  if (batch_.size() >= kBatchBytes) hand_over();
}

void SqliteExecutionRecorder::wrapped_event(const asl::HistoryEvent& event, std::string_view head,
                                            std::string_view body) {
  if (batch_.empty()) batch_at_ms_ = event.at_ms;
  append_batched_event(batch_, event.at_ms, event.type, event.state, event.attempt, event.frame,
                       head, body, event.state_is_plain);
  if (batch_.size() >= kBatchBytes) hand_over();
}

void SqliteExecutionRecorder::attempt(bool finished, const asl::TaskAttempt& attempt,
                                      std::string status) {
  attempts_.push_back(AslChanges::Attempt{
      finished, static_cast<std::int64_t>(attempt.step), attempt.item_index, attempt.attempt,
      std::string(attempt.state), std::move(status), attempt.exit_code, now_epoch_ms(),
      attempt.pgid, std::string(attempt.log_path)});
}

void SqliteExecutionRecorder::attempt_started(const asl::TaskAttempt& started) {
  attempt(false, started, "running");
}

void SqliteExecutionRecorder::attempt_finished(const asl::TaskAttempt& finished) {
  attempt(true, finished, std::string(to_string(finished.status)));
}

std::int64_t SqliteExecutionRecorder::flush() {
  if (batch_.empty() && attempts_.empty()) return -1;
  std::int64_t waited_ms = (monotonic_ns() - last_hand_over_ns_) / 1000000;
  if (waited_ms < kBatchMs) return kBatchMs - waited_ms;
  hand_over();
  return -1;
}

void SqliteExecutionRecorder::hand_over(std::optional<AslChanges::Ending> ending) {
  last_hand_over_ns_ = monotonic_ns();
  AslChanges changes;
  changes.events.swap(batch_.text);
  changes.events_at_ms = batch_at_ms_;
  changes.attempts.swap(attempts_);
  changes.ending = std::move(ending);
  writer_.hand_over(changes);
  // The buffers come back empty: the next batch starts with a time of its own.
  batch_.clear();
  batch_.text.swap(changes.events);
  attempts_.swap(changes.attempts);
}

void SqliteExecutionRecorder::execution_finished(const RunState& state,
                                                 const asl::StateRuns& states) {
  AslChanges::Ending ending;
  ending.status = to_string(state.status);
  ending.ended_ms = state.ended_ms;
  ending.error = state.error;
  ending.cause = state.cause;
  ending.output = compact_json(state.output);
  ending.stop_signal = state.stop_signal;
  for (const asl::StateRun& run : states) {
    if (run.status == StepStatus::Failed || run.status == StepStatus::TimedOut) {
      ending.failed_state = run.state->name;
    }
  }
  // The run's row goes with the last events, and the writer commits them while this thread
  // writes the summary (megabytes for a long execution, streamed in pieces).
  hand_over(std::move(ending));
  AtomicFile summary(folder_.path() + "/summary.json");
  write_asl_summary(
      state, states, [&](std::string_view piece) { summary.write(piece); }, redrive_count_);
  summary.write("\n");
  summary.commit();
  writer_.drain();  // the connection is this thread's again
}

}  // namespace flowrun
