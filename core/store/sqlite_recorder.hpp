#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <mutex>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "core/engine/file_recorder.hpp"
#include "core/engine/run_events.hpp"
#include "core/store/database.hpp"
#include "core/store/event_batch.hpp"

namespace flowrun {

/// Records a run in the SQLite history (and its `summary.json`, through a FileRecorder).
/// The run's row must exist (RunStore::claim_run or claim_redrive). Changes are buffered in
/// memory and handed by `flush()`, when the loop is about to sleep, to a writer thread that
/// commits them in one short write transaction per kBatchMs at most (group commit: no lock
/// is held while the loop sleeps, and the loop never waits for the disk). The start and end
/// of the run are written at once, after what the writer still had. Throws flowrun::Error
/// when the database fails (a failure of the writer at the next flush).
class SqliteRecorder : public RunRecorder {
 public:
  SqliteRecorder(Database& db, std::int64_t run_key, const Workflow& workflow,
                 const RunFolder& folder, bool redrive);
  ~SqliteRecorder() override;

  void run_started(const RunState& state) override;
  void step_scheduled(const RunState&, std::size_t) override {}
  void attempt_started(const RunState& state, std::size_t step, int attempt, pid_t pgid) override;
  void attempt_finished(const RunState& state, std::size_t step,
                        const AttemptResult& result) override;
  void step_retrying(const RunState& state, std::size_t step, std::int64_t delay_ms) override;
  void step_finished(const RunState& state, std::size_t step) override;
  void run_finished(const RunState& state) override;
  void step_note(const RunState& state, std::size_t unit, std::string_view type,
                 const std::string& detail) override;
  std::int64_t flush() override;
  std::optional<ApprovalTicket> approval_requested(const RunState& state, std::size_t unit,
                                                   const ApprovalRequest& request) override;
  ApprovalAnswer approval_settled(const RunState& state, std::size_t unit,
                                  const ApprovalAnswer& proposed) override;
  void approval_applied(const RunState& state, std::size_t unit) override;

  /// The run's properties (`flowrun props`), read on the calling thread once the writer is
  /// idle: the writer shares the connection, which must never be used by two threads at once.
  nlohmann::json read_props();

  /// The longest a change waits in memory before it is committed.
  static constexpr std::int64_t kBatchMs = 20;

 private:
  using Value = std::variant<std::nullptr_t, std::int64_t, std::string>;
  struct Write {
    Statement* statement = nullptr;
    std::vector<Value> values;
  };

  void queue(Statement& statement, std::vector<Value> values);
  /// Writes `writes` in one transaction (the caller owns the connection for that time).
  void write_batch(std::vector<Write>& writes);
  /// Hands what is pending to the writer thread (started on first use).
  void hand_over();
  /// Waits until the writer has written everything handed to it; rethrows its failure.
  /// Afterwards this thread may use the connection until the next hand_over.
  void drain();
  void writer_loop();
  /// Writes what is pending on this thread, after draining the writer.
  void commit();
  void queue_step(const RunState& state, std::size_t step);
  /// The pending start of this attempt, when it has not been handed to the writer yet.
  Write* pending_attempt_start(std::int64_t index, std::int64_t item, int attempt);
  void event(std::string_view type, const std::string* step_id, int attempt, std::string detail);
  /// Queues the events gathered in event_batch_ as one row.
  void queue_event_batch();

  Database& db_;
  std::int64_t run_key_;
  const Workflow& workflow_;
  const RunFolder& folder_;
  FileRecorder summary_;
  bool redrive_;
  std::string path_;  // reused buffer
  std::vector<Write> pending_;
  // Events since the last queued write, one line each (see event_batch.hpp): a run's
  // events cost a string append each rather than a row each.
  EventBatch event_batch_;
  std::int64_t last_commit_ns_ = 0;
  // The writer thread and what it shares with the loop, under mutex_.
  std::thread writer_;
  std::mutex mutex_;
  std::condition_variable wake_writer_;
  std::condition_variable written_;
  std::vector<Write> handed_;
  bool writing_ = false;
  bool stopping_ = false;
  std::exception_ptr failure_;
  std::atomic<bool> writer_failed_{false};
  Statement last_event_seq_;
  Statement insert_event_;
  Statement insert_attempt_;
  Statement insert_finished_attempt_;
  Statement finish_attempt_;
  Statement upsert_step_;
};

}  // namespace flowrun
