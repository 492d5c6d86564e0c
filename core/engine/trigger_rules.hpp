#pragma once

#include <cstdint>

#include "core/engine/run_state.hpp"
#include "core/model/workflow.hpp"

namespace flowrun {

/// How a step's direct `needs` have ended so far. A `continue_on_error` failure counts as a
/// success; failed, timed_out, upstream_failed and cancelled count as failed.
struct NeedCounts {
  std::int32_t total = 0;
  std::int32_t succeeded = 0;
  std::int32_t failed = 0;
  std::int32_t skipped = 0;

  std::int32_t done() const { return succeeded + failed + skipped; }
  bool all_done() const { return done() == total; }
  /// Adds one need that ended with `status` (`continued`: continue_on_error applied).
  void add(StepStatus status, bool continued);
};

/// What the rule says now: keep waiting, run, or end the step with a final status.
enum class TriggerDecision : std::uint8_t { Wait, Run, Skip, UpstreamFailed };

/// REFERENCES.md's trigger-rule table. A rule decides early only when no later outcome could
/// change its answer, so the result never depends on the order in which needs finish.
TriggerDecision evaluate_trigger(TriggerRule rule, const NeedCounts& needs);

}  // namespace flowrun
