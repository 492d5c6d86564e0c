#include "core/store/sqlite_recorder.hpp"

#include <fmt/format.h>
#include <pthread.h>
#include <signal.h>

#include <utility>

#include "core/engine/event_loop.hpp"
#include "core/engine/fan_out.hpp"
#include "core/engine/handlers.hpp"
#include "core/report/run_summary.hpp"
#include "core/store/approval_store.hpp"
#include "core/store/event_batch.hpp"
#include "core/store/run_props.hpp"

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

// Where a unit's attempts go: a child's rows carry its step's index and its item index.
std::int64_t attempt_index(const RunState& state, std::size_t unit) {
  return static_cast<std::int64_t>(state.step_of(unit));
}

std::int64_t item_index(const RunState& state, std::size_t unit) {
  return state.is_child(unit) ? std::int64_t{state.children[unit - state.steps.size()].index}
                              : std::int64_t{-1};
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
      // seq is taken inside the write transaction: other commands (approve, task-success,
      // cancel) append events to a run while it runs. It is read once per transaction and
      // counted on from there (a look-up per event was a fifth of the writer's time).
      last_event_seq_(db, "SELECT coalesce(max(seq), 0) FROM events WHERE run = ?1"),
      insert_event_(db,
                    "INSERT INTO events (run, at_ms, type, step_id, attempt, detail, seq) "
                    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"),
      insert_attempt_(db,
                      "INSERT OR REPLACE INTO attempts (run, idx, attempt, step_id, status, "
                      "started_ms, pgid, log_path, item_index) VALUES (?1, ?2, ?3, ?4, "
                      "'running', ?5, ?6, ?7, ?8)"),
      // An attempt that starts and ends within one batch is written once, finished.
      insert_finished_attempt_(db,
                               "INSERT OR REPLACE INTO attempts (run, idx, attempt, step_id, "
                               "started_ms, pgid, log_path, item_index, status, exit_code, "
                               "signal, ended_ms, outputs) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
                               "?8, ?9, ?10, ?11, ?12, ?13)"),
      finish_attempt_(db,
                      "UPDATE attempts SET status = ?4, exit_code = ?5, signal = ?6, ended_ms = "
                      "?7, log_path = ?8, outputs = ?9 WHERE run = ?1 AND idx = ?2 AND "
                      "item_index = ?10 AND attempt = ?3"),
      upsert_step_(db,
                   "INSERT OR REPLACE INTO steps (run, idx, step_id, status, attempts, "
                   "exit_code, signal, started_ms, ended_ms, has_log, continued, cause, outputs) "
                   "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)") {
  // The recorder appends rows at the end of a few b-trees: a small page cache is enough, and
  // SQLite's default (2 MB) would be most of flowrun's memory for a long run.
  db.execute("PRAGMA cache_size = -256");
  pending_.reserve(1024);
}

SqliteRecorder::~SqliteRecorder() {
  if (writer_.joinable()) {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_writer_.notify_one();
    writer_.join();
  }
  db_.rollback();
}

void SqliteRecorder::queue(Statement& statement, std::vector<Value> values) {
  pending_.push_back(Write{&statement, std::move(values)});
}

void SqliteRecorder::write_batch(std::vector<Write>& writes) {
  if (writes.empty()) return;
  Transaction transaction(db_);
  std::int64_t seq = -1;
  for (Write& write : writes) {
    Statement& statement = *write.statement;
    for (std::size_t i = 0; i < write.values.size(); ++i) {
      const int index = static_cast<int>(i) + 1;
      if (const auto* number = std::get_if<std::int64_t>(&write.values[i])) {
        statement.bind(index, *number);
      } else if (const auto* text = std::get_if<std::string>(&write.values[i])) {
        statement.bind(index, *text);
      }
    }
    if (&statement == &insert_event_) {
      if (seq < 0) {
        last_event_seq_.bind(1, run_key_);
        seq = last_event_seq_.step() ? last_event_seq_.column_int(0) : 0;
        last_event_seq_.reset();
      }
      statement.bind(static_cast<int>(write.values.size()) + 1, ++seq);
    }
    statement.run();
  }
  transaction.commit();
  writes.clear();
}

void SqliteRecorder::hand_over() {
  last_commit_ns_ = monotonic_ns();
  if (pending_.empty()) return;
  if (!writer_.joinable()) {
    // The writer must never take a signal meant for the event loop (SIGCHLD, SIGINT,
    // SIGTERM are read from a signalfd): it starts with every signal blocked.
    sigset_t all, previous;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &previous);
    writer_ = std::thread([this] { writer_loop(); });
    pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  }
  {
    std::lock_guard lock(mutex_);
    if (handed_.empty()) {
      handed_.swap(pending_);
    } else {
      for (Write& write : pending_) handed_.push_back(std::move(write));
      pending_.clear();
    }
  }
  wake_writer_.notify_one();
}

void SqliteRecorder::writer_loop() {
  std::vector<Write> batch;
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_writer_.wait(lock, [this] { return stopping_ || !handed_.empty(); });
    if (handed_.empty()) return;  // stopping, nothing left
    batch.swap(handed_);
    writing_ = true;
    lock.unlock();
    std::exception_ptr failure;
    try {
      write_batch(batch);
    } catch (...) {
      failure = std::current_exception();
      batch.clear();
    }
    lock.lock();
    writing_ = false;
    if (failure && !failure_) {
      failure_ = failure;
      writer_failed_.store(true, std::memory_order_release);
    }
    written_.notify_all();
  }
}

void SqliteRecorder::drain() {
  std::unique_lock lock(mutex_);
  written_.wait(lock, [this] { return handed_.empty() && !writing_; });
  if (failure_) {
    writer_failed_.store(false, std::memory_order_relaxed);
    std::rethrow_exception(std::exchange(failure_, nullptr));
  }
}

nlohmann::json SqliteRecorder::read_props() {
  drain();
  return RunProps(db_, run_key_).list();
}

void SqliteRecorder::commit() {
  drain();
  last_commit_ns_ = monotonic_ns();
  queue_event_batch();
  write_batch(pending_);
}

std::int64_t SqliteRecorder::flush() {
  if (writer_failed_.load(std::memory_order_acquire)) drain();  // rethrows the writer's failure
  if (pending_.empty() && event_batch_.empty()) return -1;
  std::int64_t waited_ms = (monotonic_ns() - last_commit_ns_) / 1000000;
  if (waited_ms < kBatchMs) return kBatchMs - waited_ms;
  queue_event_batch();
  hand_over();
  return -1;
}

void SqliteRecorder::event(std::string_view type, const std::string* step_id, int attempt,
                           std::string detail) {
  // A batch line ends at a newline: a detail that holds one gets a row of its own, after
  // the batch so far, so that the order stays.
  if (detail.find('\n') == std::string::npos) {
    append_batched_event(event_batch_, now_epoch_ms(), type, step_id ? *step_id : "", attempt, "",
                         detail);
    return;
  }
  queue_event_batch();
  queue(insert_event_,
        {run_key_, now_epoch_ms(), std::string(type), step_id ? Value(*step_id) : Value(nullptr),
         attempt > 0 ? Value(std::int64_t{attempt}) : Value(nullptr),
         detail.empty() ? Value(nullptr) : Value(std::move(detail))});
}

void SqliteRecorder::queue_event_batch() {
  if (event_batch_.empty()) return;
  queue(insert_event_, {run_key_, now_epoch_ms(), std::string(kEventBatchType), nullptr, nullptr,
                        std::move(event_batch_.text)});
  event_batch_.clear();
}

void SqliteRecorder::run_started(const RunState& state) {
  drain();
  Statement update(db_, "UPDATE runs SET status = 'running', started_ms = ?2 WHERE key = ?1");
  queue(update, {run_key_, state.started_ms});
  // A redrive starts from kept steps: their rows stay (or are copied, for a new run); the
  // rows of the steps that run again go.
  std::size_t kept = 0;
  Statement forget(db_, "DELETE FROM steps WHERE run = ?1 AND idx = ?2");
  for (std::size_t i = 0; i < state.steps.size(); ++i) {
    if (is_final(state.steps[i].status)) {
      queue_step(state, i);
      ++kept;
    } else if (redrive_) {
      queue(forget, {run_key_, static_cast<std::int64_t>(i)});
    }
  }
  // Fan-out children are rows past the steps; the kept ones are written again.
  Statement forget_children(db_, "DELETE FROM steps WHERE run = ?1 AND idx >= ?2");
  if (redrive_) queue(forget_children, {run_key_, static_cast<std::int64_t>(state.steps.size())});
  for (std::size_t i = 0; i < state.children.size(); ++i) {
    if (is_final(state.children[i].record.status)) queue_step(state, state.steps.size() + i);
  }
  event(redrive_ ? "RunRedriven" : "RunStarted", nullptr, 0,
        kept ? fmt::format("{} steps, {} kept", state.steps.size(), kept)
             : fmt::format("{} steps", state.steps.size()));
  commit();
  summary_.run_started(state);
}

void SqliteRecorder::attempt_started(const RunState& state, std::size_t step, int attempt,
                                     pid_t pgid) {
  const std::string id = unit_label(workflow_, state, step);
  folder_.attempt_log_path(id, attempt, path_);
  queue(insert_attempt_, {run_key_, attempt_index(state, step), std::int64_t{attempt}, id,
                          now_epoch_ms(), std::int64_t{pgid}, path_, item_index(state, step)});
  event("AttemptStarted", &id, attempt, pgid > 0 ? fmt::format("process group {}", pgid) : "");
}

void SqliteRecorder::attempt_finished(const RunState& state, std::size_t step,
                                      const AttemptResult& result) {
  const std::string id = unit_label(workflow_, state, step);
  std::string outputs = outputs_json(state.find_details(step));
  if (Write* start = pending_attempt_start(attempt_index(state, step), item_index(state, step),
                                           result.attempt)) {
    std::vector<Value>& values = start->values;
    start->statement = &insert_finished_attempt_;
    values[6] = std::string(result.log_path);
    values.push_back(std::string(to_string(result.status)));
    values.push_back(std::int64_t{result.exit_code});
    values.push_back(std::int64_t{result.signal});
    values.push_back(now_epoch_ms());
    values.push_back(outputs.empty() ? Value(nullptr) : Value(std::move(outputs)));
  } else {
    queue(finish_attempt_,
          {run_key_, attempt_index(state, step), std::int64_t{result.attempt},
           std::string(to_string(result.status)), std::int64_t{result.exit_code},
           std::int64_t{result.signal}, now_epoch_ms(), std::string(result.log_path),
           outputs.empty() ? Value(nullptr) : Value(std::move(outputs)), item_index(state, step)});
  }
  event("AttemptFinished", &id, result.attempt,
        fmt::format("{} (exit code {})", to_string(result.status), result.exit_code));
}

SqliteRecorder::Write* SqliteRecorder::pending_attempt_start(std::int64_t index, std::int64_t item,
                                                             int attempt) {
  // Recent writes are at the back; a batch holds a few dozen at most.
  for (std::size_t i = pending_.size(); i-- > 0;) {
    Write& write = pending_[i];
    if (write.statement != &insert_attempt_) continue;
    if (std::get<std::int64_t>(write.values[1]) == index &&
        std::get<std::int64_t>(write.values[2]) == attempt &&
        std::get<std::int64_t>(write.values[7]) == item) {
      return &write;
    }
  }
  return nullptr;
}

void SqliteRecorder::step_retrying(const RunState& state, std::size_t step, std::int64_t delay_ms) {
  const std::string id = unit_label(workflow_, state, step);
  event("StepRetrying", &id, state.record_of(step).attempts + 1,
        fmt::format("next attempt in {}", format_duration(Duration{delay_ms})));
}

void SqliteRecorder::step_finished(const RunState& state, std::size_t step) {
  queue_step(state, step);
  const StepDetails* details = state.find_details(step);
  std::string detail(to_string(state.record_of(step).status));
  if (details && !details->cause.empty()) detail += ": " + details->cause;
  const std::string id = unit_label(workflow_, state, step);
  event("StepFinished", &id, 0, std::move(detail));
}

void SqliteRecorder::step_note(const RunState& state, std::size_t unit, std::string_view type,
                               const std::string& detail) {
  if (unit >= state.steps.size() + state.children.size()) {  // about the whole run
    event(type, nullptr, 0, detail);
    return;
  }
  const std::string id = unit_label(workflow_, state, unit);
  // A unit that waits without a process of its own (a child run waiting for an approval)
  // is written now, so that `status` shows it waiting.
  if (state.record_of(unit).status == StepStatus::Waiting) queue_step(state, unit);
  event(type, &id, 0, detail);
}

void SqliteRecorder::queue_step(const RunState& state, std::size_t step) {
  const StepRecord& record = state.record_of(step);
  const StepDetails* details = state.find_details(step);
  std::string outputs = outputs_json(details);
  bool has_cause = details && !details->cause.empty();
  queue(upsert_step_,
        {run_key_, static_cast<std::int64_t>(step), unit_label(workflow_, state, step),
         std::string(to_string(record.status)), std::int64_t{record.attempts},
         std::int64_t{record.exit_code}, std::int64_t{record.signal}, record.started_ms,
         record.ended_ms, std::int64_t{record.has_log}, std::int64_t{record.continued},
         has_cause ? Value(details->cause) : Value(nullptr),
         outputs.empty() ? Value(nullptr) : Value(std::move(outputs))});
}

void SqliteRecorder::run_finished(const RunState& state) {
  std::string failed_step;
  for (std::size_t i = 0; i < handlers_from(workflow_); ++i) {
    StepStatus status = state.steps[i].status;
    if ((status == StepStatus::Failed || status == StepStatus::TimedOut) &&
        !state.steps[i].continued) {
      failed_step = workflow_.steps[i].id;
      break;
    }
  }
  drain();
  Statement update(db_,
                   "UPDATE runs SET status = ?2, ended_ms = ?3, error = ?4, cause = ?5, "
                   "output = ?6, stop_signal = ?7, failed_step = ?8 WHERE key = ?1");
  queue(update, {run_key_, std::string(to_string(state.status)), state.ended_ms,
                 state.error ? Value(*state.error) : Value(nullptr),
                 state.cause ? Value(*state.cause) : Value(nullptr), dump(state.output),
                 std::int64_t{state.stop_signal},
                 failed_step.empty() ? Value(nullptr) : Value(failed_step)});
  std::string detail(to_string(state.status));
  if (state.cause) detail += ": " + *state.cause;
  // A run that stops for an approval (--no-wait) has not finished: a resume continues it.
  event(state.status == RunStatus::Waiting ? "RunWaiting" : "RunFinished", nullptr, 0,
        std::move(detail));
  commit();
  summary_.run_finished(state);
}

// The approval calls write at once, on this thread: another process reads them next.
std::optional<ApprovalTicket> SqliteRecorder::approval_requested(const RunState& state,
                                                                 std::size_t unit,
                                                                 const ApprovalRequest& request) {
  const std::string id = unit_label(workflow_, state, unit);
  queue_step(state, unit);  // `status` shows it waiting
  event("ApprovalRequested", &id, 0, request.message);
  commit();
  return request_approval(db_, run_key_, id, request);
}

ApprovalAnswer SqliteRecorder::approval_settled(const RunState& state, std::size_t unit,
                                                const ApprovalAnswer& proposed) {
  commit();
  return settle_approval(db_, run_key_, unit_label(workflow_, state, unit), proposed);
}

void SqliteRecorder::approval_applied(const RunState& state, std::size_t unit) {
  commit();
  close_approval(db_, run_key_, unit_label(workflow_, state, unit));
}

}  // namespace flowrun
