// The scheduler's side of the workflow's handlers. They are steps appended after the main
// graph (append_handlers) and wait until every main step is final; then the run's status is
// settled, the lists it calls for run (the others end `skipped`), and on_exit runs last.
// A handler's failure is recorded like a step's but does not change the run's status.
#include <fmt/format.h>

#include <algorithm>

#include "core/engine/handlers.hpp"
#include "core/engine/scheduler.hpp"

namespace flowrun {

void Scheduler::count_main_finished(std::uint32_t step) {
  if (handlers_released_) {
    HandlerKind kind = handler_kind(workflow_, step);
    if (kind != HandlerKind::None && kind != HandlerKind::OnExit &&
        handler_applies(kind, state_.status) && --first_handlers_left_ == 0) {
      release_exit_handlers();
    }
    return;
  }
  if (step < main_count_) ++main_finished_;
  if (main_finished_ == main_count_ && main_count_ < state_.steps.size()) release_handlers();
}

void Scheduler::release_handlers() {
  handlers_released_ = true;
  settle_status();
  std::vector<std::string> failed;
  for (std::size_t i = 0; i < main_count_; ++i) {
    const StepRecord& record = state_.steps[i];
    bool is_failure = record.status == StepStatus::Failed || record.status == StepStatus::TimedOut;
    if (is_failure && !record.continued) failed.push_back(workflow_.steps[i].id);
  }
  expressions_.set_run_outcome(state_.status, failed);
  std::vector<std::uint32_t> roots;
  std::vector<std::uint32_t> skipped;
  for (auto i = static_cast<std::uint32_t>(main_count_); i < state_.steps.size(); ++i) {
    HandlerKind kind = handler_kind(workflow_, i);
    if (kind == HandlerKind::OnExit || (kind == HandlerKind::OnLate && late_released_)) continue;
    if (!handler_applies(kind, state_.status)) {
      skipped.push_back(i);
      continue;
    }
    ++first_handlers_left_;
    if (needs_[i].total == 0) roots.push_back(i);
  }
  const std::string cause = fmt::format("the run {}", to_string(state_.status));
  for (std::uint32_t i : skipped) {
    bool late = handler_kind(workflow_, i) == HandlerKind::OnLate;
    finish(i, StepStatus::Skipped, late ? "the run was not late" : cause);
  }
  if (first_handlers_left_ == 0) {
    release_exit_handlers();
    return;
  }
  for (std::uint32_t i : roots) schedule(i);
}

void Scheduler::release_exit_handlers() {
  for (auto i = static_cast<std::uint32_t>(main_count_); i < state_.steps.size(); ++i) {
    if (handler_kind(workflow_, i) == HandlerKind::OnExit && needs_[i].total == 0 && !decided_[i]) {
      schedule(i);
    }
  }
}

// `late_after` (Data Pipeline's lateAfterTimeout, Airflow's SLA): measured from the run's
// start, for the workflow (its main graph has not ended) or a step (it has not ended). Being
// late records an event and starts the on_late handlers once; the run goes on.
void Scheduler::start_late_timers() {
  const std::int64_t start = monotonic_ns() - (now_epoch_ms() - state_.started_ms) * 1000000;
  if (workflow_.late_after) {
    timers_.push(
        {start + workflow_.late_after->milliseconds * 1000000, kRunUnit, 0, TimerKind::Late});
  }
  for (std::uint32_t i = 0; i < main_count_; ++i) {
    const Step& step = workflow_.steps[i];
    if (step.extra().late_after && !is_final(state_.steps[i].status)) {
      timers_.push(
          {start + step.extra().late_after->milliseconds * 1000000, i, 0, TimerKind::Late});
    }
  }
}

void Scheduler::check_late(std::uint32_t unit) {
  if (handlers_released_) return;  // the main graph has ended: nothing is late any more
  if (unit == kRunUnit) {
    std::string detail =
        "the run passed its late_after of " + format_duration(*workflow_.late_after);
    state_.late = true;
    recorder_.step_note(state_, kRunUnit, "RunLate", detail);
    observer_.step_note(state_, kRunUnit, "RunLate", detail);
  } else {
    if (is_final(state_.steps[unit].status)) return;
    const std::string& id = workflow_.steps[unit].id;
    if (std::find(state_.late_steps.begin(), state_.late_steps.end(), id) ==
        state_.late_steps.end()) {
      state_.late_steps.push_back(id);
    }
    std::string detail = "the step passed its late_after of " +
                         format_duration(*workflow_.steps[unit].extra().late_after);
    recorder_.step_note(state_, unit, "StepLate", detail);
    observer_.step_note(state_, unit, "StepLate", detail);
  }
  if (late_released_) return;
  late_released_ = true;
  for (auto i = static_cast<std::uint32_t>(main_count_); i < state_.steps.size(); ++i) {
    if (handler_kind(workflow_, i) == HandlerKind::OnLate && needs_[i].total == 0) schedule(i);
  }
}

}  // namespace flowrun
