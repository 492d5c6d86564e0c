#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "core/engine/approvals.hpp"
#include "core/engine/run_state.hpp"

namespace flowrun {

/// Where every state change of a run is recorded (files now, SQLite later). Each call sees
/// the state after the change; `step` is a unit index of RunState: it indexes
/// `Workflow::steps` and `RunState::steps`, or past them a fan-out child.
/// Recorders may throw flowrun::Error when their storage fails.
class RunRecorder {
 public:
  virtual ~RunRecorder() = default;
  virtual void run_started(const RunState& state) = 0;
  /// The step's trigger rule was met; it waits for a free slot.
  virtual void step_scheduled(const RunState& state, std::size_t step) = 0;
  /// `pgid` is the process group of the attempt (also its pid), so a later flowrun can stop
  /// it when this one died; 0 when the attempt runs no process.
  virtual void attempt_started(const RunState& state, std::size_t step, int attempt,
                               pid_t pgid) = 0;
  virtual void attempt_finished(const RunState& state, std::size_t step,
                                const AttemptResult& result) = 0;
  virtual void step_retrying(const RunState& state, std::size_t step, std::int64_t delay_ms) = 0;
  /// The step reached a final status (also skipped, upstream_failed, cancelled).
  virtual void step_finished(const RunState& state, std::size_t step) = 0;
  virtual void run_finished(const RunState& state) = 0;
  /// Something else worth keeping in the run's history happened to a unit (a fan-out
  /// started, a handler ran ...): `type` is an event name such as `FanOutStarted`.
  virtual void step_note(const RunState&, std::size_t /*unit*/, std::string_view /*type*/,
                         const std::string& /*detail*/) {}
  /// The event loop is about to sleep: write what is buffered, or keep it a little longer
  /// and return within how many ms the loop must call again (-1: no need).
  virtual std::int64_t flush() { return -1; }

  /// An approval step waits (its record says Waiting): the request is written at once, where
  /// `flowrun approve` finds it. nullopt when this recorder keeps no history that another
  /// process could answer in.
  virtual std::optional<ApprovalTicket> approval_requested(const RunState&, std::size_t /*unit*/,
                                                           const ApprovalRequest&) {
    return std::nullopt;
  }
  /// The wait ends without an answer (`proposed`: its timeout, or the run stopping); returns
  /// the answer that stands: one recorded first, else `proposed`.
  virtual ApprovalAnswer approval_settled(const RunState&, std::size_t /*unit*/,
                                          const ApprovalAnswer& proposed) {
    return proposed;
  }
  /// A recorded answer was applied to the step.
  virtual void approval_applied(const RunState&, std::size_t /*unit*/) {}
};

/// Watches a run for display; every method has a do-nothing default.
class RunObserver {
 public:
  virtual ~RunObserver() = default;
  virtual void run_started(const RunState&) {}
  virtual void attempt_started(const RunState&, std::size_t /*step*/, int /*attempt*/) {}
  virtual void attempt_finished(const RunState&, std::size_t /*step*/, const AttemptResult&) {}
  virtual void step_retrying(const RunState&, std::size_t /*step*/, std::int64_t /*delay_ms*/) {}
  virtual void step_finished(const RunState&, std::size_t /*step*/) {}
  virtual void step_note(const RunState&, std::size_t /*unit*/, std::string_view /*type*/,
                         const std::string& /*detail*/) {}
  /// The run is being stopped: by SIGINT/SIGTERM (`signal`) or by its timeout (0).
  virtual void run_stopping(const RunState&, int /*signal*/) {}
  virtual void run_finished(const RunState&) {}
  /// Live output of a step (only with `stream`), in arbitrary chunks.
  virtual void step_output(const RunState&, std::size_t /*step*/, std::string_view /*bytes*/) {}
  /// The loop is about to sleep: a good moment to flush buffered text.
  virtual void before_wait(const RunState&) {}
  /// An approval step waits for an answer until `deadline_ms` (0: no timeout).
  virtual void approval_waiting(const RunState&, std::size_t /*unit*/,
                                const ApprovalRequest& /*request*/, std::int64_t /*deadline_ms*/) {}
};

/// A recorder that records nothing (tests, --dry-run).
class NullRecorder : public RunRecorder {
 public:
  void run_started(const RunState&) override {}
  void step_scheduled(const RunState&, std::size_t) override {}
  void attempt_started(const RunState&, std::size_t, int, pid_t) override {}
  void attempt_finished(const RunState&, std::size_t, const AttemptResult&) override {}
  void step_retrying(const RunState&, std::size_t, std::int64_t) override {}
  void step_finished(const RunState&, std::size_t) override {}
  void run_finished(const RunState&) override {}
};

}  // namespace flowrun
