#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "core/engine/file_recorder.hpp"
#include "core/engine/run_events.hpp"
#include "core/store/database.hpp"

namespace flowrun {

/// Records a run in the SQLite history (and its `summary.json`, through a FileRecorder).
/// The run's row must exist (RunStore::claim_run or claim_redrive). Changes are buffered in
/// memory and written by `flush()` when the loop is about to sleep, in one short write
/// transaction per kBatchMs at most (group commit: no lock is held while the loop sleeps).
/// The start and end of the run are written at once. Throws flowrun::Error when the
/// database fails.
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

  /// The longest a change waits in memory before it is committed.
  static constexpr std::int64_t kBatchMs = 20;

 private:
  using Value = std::variant<std::nullptr_t, std::int64_t, std::string>;
  struct Write {
    Statement* statement = nullptr;
    std::vector<Value> values;
  };

  void queue(Statement& statement, std::vector<Value> values);
  void commit();
  void queue_step(const RunState& state, std::size_t step);
  void event(std::string_view type, const std::string* step_id, int attempt, std::string detail);

  Database& db_;
  std::int64_t run_key_;
  const Workflow& workflow_;
  const RunFolder& folder_;
  FileRecorder summary_;
  bool redrive_;
  std::int64_t next_seq_ = 1;
  std::string path_;  // reused buffer
  std::vector<Write> pending_;
  std::int64_t last_commit_ns_ = 0;
  Statement insert_event_;
  Statement insert_attempt_;
  Statement finish_attempt_;
  Statement upsert_step_;
};

}  // namespace flowrun
