#pragma once

#include <cstdint>
#include <string>

#include "core/engine/file_recorder.hpp"
#include "core/engine/run_events.hpp"
#include "core/store/database.hpp"

namespace flowrun {

/// Records a run in the SQLite history (and its `summary.json`, through a FileRecorder).
/// The run's row must exist (RunStore::claim_run or claim_redrive). The changes of one
/// event-loop turn go into one transaction, committed by `flush()` before the loop sleeps,
/// so the history costs one commit per turn rather than one per change. Throws
/// flowrun::Error when the database fails.
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
  void flush() override;

 private:
  void begin();
  void write_step(const RunState& state, std::size_t step);
  void event(std::string_view type, const std::string* step_id, int attempt,
             std::string_view detail);

  Database& db_;
  std::int64_t run_key_;
  const Workflow& workflow_;
  const RunFolder& folder_;
  FileRecorder summary_;
  bool redrive_;
  std::int64_t next_seq_ = 1;
  std::string path_;  // reused buffer
  Statement insert_event_;
  Statement insert_attempt_;
  Statement finish_attempt_;
  Statement upsert_step_;
};

}  // namespace flowrun
