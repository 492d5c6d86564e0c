// Continuing a recorded execution: `flowrun resume` of a run that waits for task tokens
// (its callback Tasks wait again for the same tokens) and Step Functions' redrive of a run
// that failed, was cancelled, timed out or was interrupted. Every frame starts again at the
// state it was in, with that state's recorded input: a Task is scheduled again, a Choice
// evaluated again, a Fail fails again, a Wait keeps its clock; Parallel branches and Map
// iterations that succeeded keep their outputs (execution_fanout.cpp) and the others
// continue the same way. Retry counters start from zero because every state is entered anew.
#include <fmt/format.h>

#include "core/asl/data_flow.hpp"
#include "core/asl/execution.hpp"
#include "core/asl/variables.hpp"

namespace flowrun::asl {

void Execution::resume_root(const ExecutionPosition& position) {
  states_.assign(position.states.begin(), position.states.end());
  for (const auto& [name, count] : position.invocations) invocations_[name] = count;
  context_["Execution"]["RedriveCount"] = position.redrive_count;
  if (position.redrive_count > 0) {
    push_event("ExecutionRedriven", nullptr,
               fmt::format("{{\"redriveCount\":{}}}", position.redrive_count));
  }
  place_frame(0, position.root);
}

// Puts a frame where the recorded execution left it.
void Execution::place_frame(std::uint32_t id, const FramePosition& position) {
  Frame& frame = frames_[id];
  if (!position.state.empty()) {
    const State* state = frame.machine->find(position.state);
    if (!state) {
      frame.error = "States.Runtime";
      frame.cause = "the recorded state '" + position.state + "' is not in the definition";
      end_frame(id, FrameStatus::Failed);
      return;
    }
    frame.state = state;
    frame.input = position.input;
    frame.input_text.clear();
  }
  frame.resume = &position;
  // The scope it had there: what its states assigned, over the copy of the enclosing scope
  // a branch or iteration starts with.
  store_variables(position.variables, frame.variables);
  const StateType type = *frame.state->type;
  if (options_.resume->keep_tokens && !position.token.empty() && type == StateType::Task) {
    wait_for_token_again(id, position);
    return;
  }
  if (type == StateType::Wait && position.entered_ms > 0) frame.wait_from_ms = position.entered_ms;
  ready_.push_back(id);
}

// A callback Task of a waiting run: its action ran; it waits for the same token, which the
// history or the tokens folder may already answer. TimeoutSeconds counts from the action's
// start; HeartbeatSeconds from now.
void Execution::wait_for_token_again(std::uint32_t id, const FramePosition& position) {
  Frame& frame = frames_[id];
  frame.entered = true;
  frame.retries.assign(frame.state->retriers.size(), 0);
  frame.retry_count = 0;
  frame.attempt = std::max(1, position.attempt);
  frame.entered_ms = position.entered_ms ? position.entered_ms : now_epoch_ms();
  frame.step = states_.size();
  for (std::size_t i = states_.size(); i-- > 0;) {
    const StateRun& step = states_[i];
    if (step.state == frame.state && step.item_index == frame.item_index &&
        step.status == StepStatus::Waiting) {
      frame.step = i;
      break;
    }
  }
  if (frame.step == states_.size()) frame.step = open_step(frame);
  states_[frame.step].status = StepStatus::Running;
  frame.status = FrameStatus::Busy;
  ++frame.generation;
  frame.token = position.token;
  frame.waiting_token = true;
  std::int64_t timeout = 0;
  std::int64_t heartbeat = 0;
  try {
    prepare_context(frame);
    timeout = task_seconds(frame, "TimeoutSeconds", "TimeoutSecondsPath");
    heartbeat = task_seconds(frame, "HeartbeatSeconds", "HeartbeatSecondsPath");
  } catch (const AslError&) {
    // The action started with these values once; a value that no longer reads is ignored.
  }
  if (timeout > 0) {
    std::int64_t left_ms = position.task_started_ms + timeout * 1000 - now_epoch_ms();
    timers_.push({monotonic_ns() + std::max<std::int64_t>(0, left_ms) * 1000000, id,
                  frame.generation, TimerKind::TaskTimeout, 0});
  }
  frame.heartbeat_seconds = heartbeat;
  if (heartbeat > 0) {
    frame.heartbeat_due_ns = monotonic_ns() + heartbeat * 1000000000;
    timers_.push({frame.heartbeat_due_ns, id, frame.generation, TimerKind::Heartbeat, 0});
  }
  tokens_[frame.token] = id;
  if (!token_watch_.is_active()) token_watch_.start(run_.run_dir, run_.run_id);
  recheck_tokens_ = true;  // taken by the loop, not while the frames are being placed
}

// The recorded position of a Parallel or Map state being entered again: where its branches
// stood. Taken once, so a retry of the state runs every branch.
const FramePosition* Execution::take_resume(Frame& frame) {
  const FramePosition* position = std::exchange(frame.resume, nullptr);
  return position && position->state == frame.state->name ? position : nullptr;
}

}  // namespace flowrun::asl
