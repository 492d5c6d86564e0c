#pragma once

#include "core/engine/run_events.hpp"
#include "core/engine/run_folder.hpp"
#include "core/model/workflow.hpp"

namespace flowrun {

/// Records a run in its folder: `summary.json` when the run starts (status `running`) and
/// again, complete, when it ends. Per-step changes are kept in memory by the engine and not
/// written one by one (no I/O per step). Throws flowrun::Error when a write fails.
class FileRecorder : public RunRecorder {
 public:
  FileRecorder(const Workflow& workflow, const RunFolder& folder)
      : workflow_(workflow), folder_(folder) {}

  void run_started(const RunState& state) override { write_summary(state); }
  void step_scheduled(const RunState&, std::size_t) override {}
  void attempt_started(const RunState&, std::size_t, int, pid_t) override {}
  void attempt_finished(const RunState&, std::size_t, const AttemptResult&) override {}
  void step_retrying(const RunState&, std::size_t, std::int64_t) override {}
  void step_finished(const RunState&, std::size_t) override {}
  void run_finished(const RunState& state) override { write_summary(state); }

 private:
  void write_summary(const RunState& state);

  const Workflow& workflow_;
  const RunFolder& folder_;
};

}  // namespace flowrun
