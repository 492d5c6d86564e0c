// `repeat: {until, max, interval}`: after each attempt the step's `until` is evaluated with
// the step's latest outputs and exit code; while it is false the step runs again after
// `interval` (each iteration is an attempt, with its own log and record), and `max`
// iterations without it fail the step.
#include <fmt/format.h>

#include "core/engine/scheduler.hpp"

namespace flowrun {

bool Scheduler::repeat_step(std::uint32_t step, StepStatus status, std::string& cause) {
  const Repeat& repeat = *definition_of(step).extra().repeat;
  StepRecord& record = state_.record_of(step);
  std::string problem;
  const int until = expressions_.check_until(state_.step_of(step), state_, problem);
  const int iterations = record.attempts - record.attempts_before;
  if (until < 0) {
    finish(step, StepStatus::Failed, std::move(problem));
    return true;
  }
  if (until == 1) {
    if (status == StepStatus::Succeeded) cause.clear();
    finish(step, status, std::move(cause));
    return true;
  }
  if (repeat.max > 0 && iterations >= repeat.max) {
    finish(step, StepStatus::Failed,
           fmt::format("repeat: 'until' was still false after {} iterations (max {}): {}",
                       iterations, repeat.max, repeat.until));
    return true;
  }
  record.status = StepStatus::Retrying;
  const std::int64_t delay = repeat.interval.milliseconds;
  std::string note = fmt::format("iteration {} ended {} (exit code {}); 'until' is false",
                                 iterations, to_string(status), record.exit_code);
  if (delay > 0) note += "; next in " + format_duration(repeat.interval);
  recorder_.step_note(state_, step, "StepRepeating", note);
  observer_.step_note(state_, step, "StepRepeating", note);
  if (delay == 0) {
    ready_.push_back(step);
  } else {
    retrying_.push_back(step);
    timers_.push({monotonic_ns() + delay * 1000000, step, record.attempts, TimerKind::RetryDelay});
  }
  return true;
}

}  // namespace flowrun
