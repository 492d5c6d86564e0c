// The scheduler's side of `foreach` and `matrix`: a fan-out step becomes `running`, its
// children go through the same ready queue, slots, retries and timers as plain steps (as
// unit indexes past the steps), and the step ends when its last child does.
#include <fmt/format.h>

#include "core/engine/fan_out.hpp"
#include "core/engine/scheduler.hpp"

namespace flowrun {
namespace {

bool is_failure(StepStatus status) {
  return status == StepStatus::Failed || status == StepStatus::TimedOut;
}

}  // namespace

const std::string& Scheduler::label_of(std::uint32_t unit) {
  if (!state_.is_child(unit)) return workflow_.steps[unit].id;
  label_ = unit_label(workflow_, state_, unit);
  return label_;
}

const nlohmann::json* Scheduler::item_of(std::uint32_t unit) const {
  if (!state_.is_child(unit)) return nullptr;
  const ChildRecord& child = state_.children[unit - state_.steps.size()];
  auto found = fan_runs_.find(child.step);
  if (found == fan_runs_.end() || child.index >= found->second.items.size()) return nullptr;
  return &found->second.items[child.index];
}

const ItemScope* Scheduler::item_scope_of(std::uint32_t unit, ItemScope& scope) const {
  const nlohmann::json* item = item_of(unit);
  if (!item) return nullptr;
  const ChildRecord& child = state_.children[unit - state_.steps.size()];
  scope = {item, child.index, definition_of(unit).extra().matrix.has_value()};
  return &scope;
}

void Scheduler::begin_fan_out(std::uint32_t step) {
  const Step& definition = workflow_.steps[step];
  const StepExtras& extra = definition.extra();
  FanOutRun fan;
  std::string cause;
  if (extra.matrix) {
    fan.items = expand_matrix(*extra.matrix);
  } else if (extra.foreach->items) {
    fan.items = *extra.foreach->items;
  } else if (!expressions_.evaluate_items(step, state_, fan.items, cause)) {
    finish(step, StepStatus::Failed, std::move(cause));
    return;
  }
  if (fan.items.empty()) {
    finish(step, StepStatus::Skipped,
           extra.matrix ? "matrix: no combinations are left" : "foreach: the list is empty");
    return;
  }
  const auto count = static_cast<std::uint32_t>(fan.items.size());
  if (!reuse_children(step, count)) {
    FanOutSpan span{static_cast<std::uint32_t>(state_.children.size()), count};
    state_.children.reserve(state_.children.size() + count);
    for (std::uint32_t i = 0; i < count; ++i) state_.children.push_back({step, i, {}});
    state_.fan_outs[step] = span;
  }
  fan.limit = static_cast<std::uint32_t>(extra.max_parallel);
  state_.steps[step].status = StepStatus::Running;
  std::string note = fmt::format("{} {}", count, count == 1 ? "child" : "children");
  if (fan.limit) note += fmt::format(", at most {} at once", fan.limit);
  recorder_.step_note(state_, step, "FanOutStarted", note);
  observer_.step_note(state_, step, "FanOutStarted", note);
  FanOutRun& run = fan_runs_.emplace(step, std::move(fan)).first->second;
  queue_children(step, run);
  if (run.running == 0) end_fan_out(step, run);  // every child was kept by a redrive
}

// A redrive keeps the children of the last run when the step gives as many items again:
// those that succeeded stay, the others run (prepare_redrive made them pending).
bool Scheduler::reuse_children(std::uint32_t step, std::size_t count) {
  auto found = state_.fan_outs.find(step);
  return found != state_.fan_outs.end() && found->second.count == count;
}

void Scheduler::queue_children(std::uint32_t step, FanOutRun& fan) {
  const FanOutSpan& span = state_.fan_outs[step];
  const auto base = static_cast<std::uint32_t>(state_.steps.size()) + span.first;
  while (fan.next < span.count && !fan.over && may_start(step) &&
         (fan.limit == 0 || fan.running < fan.limit)) {
    const std::uint32_t unit = base + fan.next++;
    if (is_final(state_.record_of(unit).status)) continue;  // kept by a redrive
    ++fan.running;
    ready_.push_back(unit);
  }
}

void Scheduler::finish_child(std::uint32_t unit, StepStatus status, std::string cause) {
  if (!opened_logs_.empty()) drop_opened_logs_of(unit);
  StepRecord& record = state_.record_of(unit);
  record.status = status;
  if (record.started_ms != 0 && record.ended_ms == 0) record.ended_ms = now_epoch_ms();
  if (!cause.empty()) state_.details_of(unit).cause = std::move(cause);
  recorder_.step_finished(state_, unit);
  observer_.step_finished(state_, unit);
  const std::uint32_t step = state_.step_of(unit);
  FanOutRun& fan = fan_runs_.at(step);
  --fan.running;
  if (is_failure(status)) {
    ++fan.failed;
    const Step& definition = workflow_.steps[step];
    fan.over =
        exceeds_tolerance(definition.extra().tolerated_failures, fan.failed, fan.items.size());
  }
  queue_children(step, fan);
  if (fan.running == 0) end_fan_out(step, fan);
}

// Children that never started are cancelled (fail-fast, or the run stopping); the step's
// status follows from its children and `tolerated_failures`.
void Scheduler::end_fan_out(std::uint32_t step, FanOutRun& fan) {
  const Step& definition = workflow_.steps[step];
  const FanOutSpan span = state_.fan_outs[step];
  const std::size_t base = state_.steps.size() + span.first;
  std::size_t failed = 0;
  std::size_t cancelled = 0;
  for (std::uint32_t i = 0; i < span.count; ++i) {
    StepRecord& record = state_.record_of(base + i);
    if (!is_final(record.status)) {
      record.status = StepStatus::Cancelled;
      state_.details_of(base + i).cause =
          fan.over ? "not started: more children failed than the step tolerates" : stop_cause();
      recorder_.step_finished(state_, base + i);
      observer_.step_finished(state_, base + i);
    }
    if (is_failure(record.status)) ++failed;
    if (record.status == StepStatus::Cancelled) ++cancelled;
  }
  const std::size_t total = span.count;
  StepStatus status = StepStatus::Succeeded;
  std::string cause;
  if (exceeds_tolerance(definition.extra().tolerated_failures, failed, total)) {
    status = StepStatus::Failed;
    cause = fmt::format("{} of {} children failed", failed, total);
    if (definition.extra().tolerated_failures) {
      cause += fmt::format(", more than the tolerated {}", *definition.extra().tolerated_failures);
    }
  } else if (cancelled > 0) {
    status = StepStatus::Cancelled;
    cause = fmt::format("{} of {} children were cancelled", cancelled, total);
  } else if (failed > 0) {
    cause = fmt::format("{} of {} children failed, within the tolerated {}", failed, total,
                        *definition.extra().tolerated_failures);
  }
  fan_runs_.erase(step);
  finish(step, status, std::move(cause));
}

}  // namespace flowrun
