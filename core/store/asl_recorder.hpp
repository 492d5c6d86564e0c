#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/asl/interpreter.hpp"
#include "core/engine/run_folder.hpp"
#include "core/store/asl_writer.hpp"
#include "core/store/database.hpp"
#include "core/store/event_batch.hpp"

namespace flowrun {

/// Records an ASL execution in the SQLite history: the Step Functions events (name, state,
/// attempt, JSON detail) in `events`, many to a row (event_batch.hpp), Task attempts in
/// `attempts` (with their process group, so `cancel` can stop them), the run row at the end,
/// and `summary.json` in the run folder. Changes are buffered in memory and handed to a
/// writer thread (AslHistoryWriter) every kBatchMs at most, which commits each hand-over
/// in one transaction: a Pass chain costs no transaction per state, and the execution does
/// not wait for the commits. The run's row must exist (RunStore::claim_run). Throws
/// flowrun::Error when the database fails.
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
  /// A batch this large is handed over at once, whatever its age: a run of pure states
  /// never waits (so never flushes), and would keep all its events in memory until it ends.
  static constexpr std::size_t kBatchBytes = 1 << 20;

 private:
  /// Hands the changes so far to the writer; with `ending`, the run's final row too.
  void hand_over(std::optional<AslChanges::Ending> ending = std::nullopt);
  void attempt(bool finished, const asl::TaskAttempt& attempt, std::string status);

  Database& db_;
  std::int64_t run_key_;
  const RunFolder& folder_;
  int redrive_count_ = 0;
  std::int64_t last_hand_over_ns_ = 0;
  // The events since the last hand-over, and the time of the first of them.
  EventBatch batch_;
  std::int64_t batch_at_ms_ = 0;
  std::vector<AslChanges::Attempt> attempts_;
  AslHistoryWriter writer_;
};

}  // namespace flowrun
