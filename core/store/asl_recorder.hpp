#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/asl/interpreter.hpp"
#include "core/engine/run_folder.hpp"
#include "core/store/database.hpp"
#include "core/store/event_batch.hpp"

namespace flowrun {

/// Records an ASL execution in the SQLite history: the Step Functions events (name, state,
/// attempt, JSON detail) in `events`, many to a row (event_batch.hpp), Task attempts in
/// `attempts` (with their process group, so `cancel` can stop them), the run row at the end,
/// and `summary.json` in the run folder. Changes are buffered in memory and committed in one
/// transaction per kBatchMs at most, so a Pass chain costs no transaction per state. The
/// run's row must exist (RunStore::claim_run). Throws flowrun::Error when the database fails.
class SqliteExecutionRecorder : public asl::ExecutionRecorder {
 public:
  /// `redrive_count` is written into summary.json.
  SqliteExecutionRecorder(Database& db, std::int64_t run_key, const RunFolder& folder,
                          int redrive_count = 0);
  ~SqliteExecutionRecorder() override;

  void execution_started(const RunState& state) override;
  void event(asl::HistoryEvent&& event) override;
  void wrapped_event(const asl::HistoryEvent& event, std::string_view head,
                     std::string_view body) override;
  void attempt_started(const asl::TaskAttempt& attempt) override;
  void attempt_finished(const asl::TaskAttempt& attempt) override;
  void execution_finished(const RunState& state, const asl::StateRuns& states) override;
  std::int64_t flush() override;

  static constexpr std::int64_t kBatchMs = 20;
  /// A batch this large is committed at once, whatever its age: a run of pure states never
  /// waits (so never flushes), and would keep all its events in memory until it ends.
  static constexpr std::size_t kBatchBytes = 1 << 20;

 private:
  struct AttemptWrite {
    bool finished = false;
    std::int64_t step = 0;
    std::int64_t item_index = -1;
    std::int64_t attempt = 0;
    std::string state;
    std::string status;
    std::int64_t exit_code = -1;
    std::int64_t at_ms = 0;
    std::int64_t pgid = 0;
    std::string log_path;
  };

  void commit();

  Database& db_;
  std::int64_t run_key_;
  const RunFolder& folder_;
  int redrive_count_ = 0;
  std::int64_t last_commit_ns_ = 0;
  // The events since the last commit, one EventBatch row, and the time of its first event.
  // A rowid table appends a row without reading others, so a batch of any size is one
  // insert: its pages go to overflow chains, never through a b-tree page split.
  EventBatch batch_;
  std::int64_t batch_at_ms_ = 0;
  std::vector<AttemptWrite> attempts_;
  Statement insert_event_;
  Statement insert_attempt_;
  Statement finish_attempt_;
};

}  // namespace flowrun
