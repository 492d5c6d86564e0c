// `type: approval`: the step asks through the recorder (the history, where `flowrun approve`
// answers it) and waits without a process and without polling: the answer wakes the loop
// through the run's tokens folder (inotify), its timeout is an event-loop timer. With
// --no-wait the run stops `waiting` once nothing else can run; a resume finds the answer in
// the history and applies it without asking again.
#include <fmt/format.h>

#include <algorithm>

#include "core/engine/scheduler.hpp"
#include "core/load/param_values.hpp"
#include "core/util/text.hpp"

namespace flowrun {

void Scheduler::begin_approval(std::uint32_t unit) {
  const Step& definition = definition_of(unit);
  if (state_.is_child(unit)) {
    finish(unit, StepStatus::Failed, "approval: an approval step cannot fan out");
    return;
  }
  if (stop_reason_ != StopReason::None) {  // an `always` step while the run stops
    finish(unit, StepStatus::Cancelled, std::string("not asked: ") + stop_cause());
    return;
  }
  ApprovalRequest request;
  std::string cause;
  const std::string message = definition.extra().type_config.value("message", "");
  std::optional<std::string> rendered = expressions_.render_text(message, state_, cause);
  if (!rendered) {
    finish(unit, StepStatus::Failed, "approval: message: " + cause);
    return;
  }
  request.message = std::move(*rendered);
  if (!mask_.empty()) request.message = hide_secrets(std::move(request.message), mask_);
  if (definition.extra().timeout) request.timeout_ms = definition.extra().timeout->milliseconds;
  state_.record_of(unit).status = StepStatus::Waiting;
  std::optional<ApprovalTicket> ticket = recorder_.approval_requested(state_, unit, request);
  if (!ticket) {
    finish(unit, StepStatus::Failed,
           "approval: no one can answer a run that keeps no history (--no-history)");
    return;
  }
  if (ticket->answer) {  // answered while no flowrun waited (--no-wait, then resume)
    recorder_.approval_applied(state_, unit);
    apply_answer(unit, *ticket->answer);
    return;
  }
  approvals_[unit] = approval_token(definition.id);
  observer_.approval_waiting(state_, unit, request, ticket->deadline_ms);
  if (ticket->deadline_ms != 0) {
    const std::int64_t left_ms = std::max<std::int64_t>(0, ticket->deadline_ms - now_epoch_ms());
    timers_.push({monotonic_ns() + left_ms * 1000000, unit, state_.record_of(unit).attempts,
                  TimerKind::ApprovalTimeout});
  }
  if (!token_watch_.is_active()) token_watch_.start(state_.run_dir, state_.run_id);
  read_approval_answers();  // one written before the watch existed
}

void Scheduler::add_approval_pollfd() {
  token_pollfd_ = SIZE_MAX;
  if (approvals_.empty() || !token_watch_.is_active()) return;
  token_pollfd_ = pollfds_.size();
  pollfds_.push_back({token_watch_.fd(), POLLIN, 0});
}

void Scheduler::read_approval_answers() {
  for (asl::TokenAnswer& answer : asl::take_token_answers(state_.run_dir)) {
    auto found = std::find_if(approvals_.begin(), approvals_.end(),
                              [&](const auto& entry) { return entry.second == answer.token; });
    if (found == approvals_.end()) continue;  // no longer waiting (timed out, cancelled)
    std::optional<ApprovalAnswer> parsed = parse_approval_answer(answer.output);
    if (!parsed) continue;
    const std::uint32_t unit = found->first;
    approvals_.erase(found);
    recorder_.approval_applied(state_, unit);
    apply_answer(unit, *parsed);
  }
}

void Scheduler::time_out_approval(std::uint32_t unit) {
  auto found = approvals_.find(unit);
  if (found == approvals_.end()) return;
  approvals_.erase(found);
  const Step& definition = definition_of(unit);
  const std::string on_timeout = approval_on_timeout(definition);
  ApprovalAnswer proposed;
  proposed.timed_out = true;
  proposed.approved = on_timeout == "approve";
  proposed.answered_ms = now_epoch_ms();
  proposed.comment = fmt::format("no answer within {} (on_timeout: {})",
                                 format_duration(*definition.extra().timeout), on_timeout);
  proposed.inputs = default_inputs(definition);
  // An answer recorded just before the deadline wins over the timeout.
  ApprovalAnswer stands = recorder_.approval_settled(state_, unit, proposed);
  if (stands.timed_out && on_timeout == "fail") {
    state_.details_of(unit).outputs = approval_outputs(stands);
    finish(unit, StepStatus::TimedOut,
           fmt::format("approval: no answer within its timeout of {}",
                       format_duration(*definition.extra().timeout)));
    return;
  }
  apply_answer(unit, stands);
}

void Scheduler::apply_answer(std::uint32_t unit, const ApprovalAnswer& answer) {
  const Step& definition = definition_of(unit);
  state_.details_of(unit).outputs = approval_outputs(answer);
  const std::string note =
      answer.timed_out ? answer.comment
                       : fmt::format("{} by {}{}", answer.approved ? "approved" : "rejected",
                                     answer.approver.empty() ? "someone" : answer.approver,
                                     answer.comment.empty() ? "" : ": " + answer.comment);
  recorder_.step_note(state_, unit, "ApprovalAnswered", note);
  observer_.step_note(state_, unit, "ApprovalAnswered", note);
  if (answer.approved) {
    finish(unit, StepStatus::Succeeded);
    return;
  }
  std::string cause = "approval: " + (answer.timed_out ? answer.comment : note);
  if (skips_on_reject(definition)) {
    finish(unit, StepStatus::Skipped, cause + " (on_reject: skip)");
  } else {
    finish(unit, StepStatus::Failed, std::move(cause));
  }
}

// The run stops (cancel, timeout): nothing waits for an answer any more. A child run that
// waits stays so in the history (`flowrun cancel` of it ends it).
void Scheduler::end_approvals(const std::string& cause) {
  std::unordered_map<std::uint32_t, std::string> waiting;
  waiting.swap(approvals_);
  for (const auto& [unit, token] : waiting) {
    ApprovalAnswer proposed;
    proposed.answered_ms = now_epoch_ms();
    proposed.comment = cause;
    recorder_.approval_settled(state_, unit, proposed);
    finish(unit, StepStatus::Cancelled, "approval: " + cause + " while it waited");
  }
  waiting.clear();
  waiting.swap(waiting_children_);
  for (const auto& [unit, child] : waiting) {
    finish(unit, StepStatus::Cancelled, cause + " while child run " + child + " waited");
  }
}

// --no-wait: nothing runs (no step, no hook), nothing will (no retry delay, no sensor), and
// an approval waits, here or in a child run.
bool Scheduler::should_pause() const {
  return options_.no_wait && (!approvals_.empty() || !waiting_children_.empty()) &&
         slots_.empty() && retrying_.empty() && hooks_.empty() && ready_head_ == ready_.size() &&
         stop_reason_ == StopReason::None;
}

// What a paused run waits for: its approvals, and the child runs that wait for theirs.
std::string Scheduler::pause_cause() {
  std::vector<std::string> waits;
  for (const auto& [unit, token] : approvals_) {
    waits.push_back(fmt::format("the approval of step '{}'", label_of(unit)));
  }
  for (const auto& [unit, child] : waiting_children_) {
    waits.push_back(
        fmt::format("step '{}' (child run {} waits for an approval)", label_of(unit), child));
  }
  std::sort(waits.begin(), waits.end());
  return "waiting for " + join(waits, ", ");
}

}  // namespace flowrun
