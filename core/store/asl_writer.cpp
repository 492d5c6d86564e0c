#include "core/store/asl_writer.hpp"

#include "core/store/event_batch.hpp"

namespace flowrun {

AslHistoryWriter::AslHistoryWriter(Database& db, std::int64_t run_key)
    : db_(db),
      run_key_(run_key),
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
                      "run = ?1 AND idx = ?2 AND item_index = ?3 AND attempt = ?4"),
      finish_run_(db,
                  "UPDATE runs SET status = ?2, ended_ms = ?3, error = ?4, cause = ?5, "
                  "output = ?6, stop_signal = ?7, failed_step = ?8 WHERE key = ?1") {}

AslHistoryWriter::~AslHistoryWriter() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_writer_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void AslHistoryWriter::hand_over(AslChanges& changes) {
  if (changes.empty()) return;
  {
    std::unique_lock lock(mutex_);
    written_.wait(lock, [&] { return failure_ || handed_.events.size() < kMaxWaitingBytes; });
    rethrow_failure();
    if (handed_.events.empty()) {
      handed_.events_at_ms = changes.events_at_ms;
      handed_.events.swap(changes.events);
    } else {
      handed_.events += changes.events;  // both are whole lines, each batch opened by a time
    }
    changes.events.clear();
    for (AslChanges::Attempt& attempt : changes.attempts) {
      handed_.attempts.push_back(std::move(attempt));
    }
    changes.attempts.clear();
    if (changes.ending) handed_.ending = std::move(changes.ending);
    changes.ending.reset();
    if (!thread_.joinable()) thread_ = std::thread([this] { writer_loop(); });
  }
  wake_writer_.notify_one();
}

void AslHistoryWriter::drain() {
  std::unique_lock lock(mutex_);
  written_.wait(lock, [&] { return failure_ || (!writing_ && handed_.empty()); });
  rethrow_failure();
}

void AslHistoryWriter::rethrow_failure() {
  if (failure_) std::rethrow_exception(failure_);
}

void AslHistoryWriter::writer_loop() {
  AslChanges writing;
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_writer_.wait(lock, [&] { return stopping_ || !handed_.empty(); });
    if (handed_.empty()) return;  // stopping, with nothing left to write
    // handed_ gets the buffers written last time, emptied: the execution takes them back
    // at its next hand-over, so a long run reuses three buffers rather than allocating.
    std::swap(writing, handed_);
    writing_ = true;
    lock.unlock();
    try {
      write(writing);
    } catch (...) {
      lock.lock();
      failure_ = std::current_exception();
      writing_ = false;
      written_.notify_all();
      return;
    }
    writing.events.clear();
    writing.attempts.clear();
    writing.ending.reset();
    lock.lock();
    writing_ = false;
    written_.notify_all();
  }
}

void AslHistoryWriter::write(const AslChanges& changes) {
  Transaction transaction(db_);
  if (!changes.events.empty()) {
    insert_event_.bind(1, run_key_).bind(2, changes.events_at_ms).bind(3, kEventBatchType);
    insert_event_.bind_unowned(4, changes.events);
    insert_event_.run();
  }
  for (const AslChanges::Attempt& write : changes.attempts) {
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
  if (const auto& ending = changes.ending) {
    finish_run_.bind(1, run_key_).bind(2, ending->status).bind(3, ending->ended_ms);
    finish_run_.bind_optional(4, ending->error).bind_optional(5, ending->cause);
    finish_run_.bind(6, ending->output).bind(7, ending->stop_signal);
    finish_run_.bind_optional(8, ending->failed_state);
    finish_run_.run();
  }
  transaction.commit();
}

}  // namespace flowrun
