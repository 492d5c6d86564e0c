#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <utility>

#include "core/asl/data_flow.hpp"
#include "core/asl/execution.hpp"
#include "core/asl/variables.hpp"

namespace flowrun::asl {
namespace {

using nlohmann::json;

// The matching rules of ErrorEquals. States.Runtime is never retried nor caught (it always
// fails the execution); States.ALL matches every error but States.DataLimitExceeded, which
// only its own name catches. The specification counts a missed heartbeat as a timeout too
// ("States.Timeout: ... or failed to heartbeat"), so States.Timeout also matches
// States.HeartbeatTimeout, and States.TaskFailed matches every error but these two.
// `branch_failed`: a Parallel state fails because a branch did, so States.BranchFailed
// matches as well as the branch's own error.
bool error_matches(const std::vector<std::string>& names, const std::string& error,
                   bool branch_failed) {
  if (error == "States.Runtime") return false;
  const bool is_timeout = error == "States.Timeout" || error == "States.HeartbeatTimeout";
  for (const std::string& name : names) {
    if (name == error) return true;
    if (error == "States.DataLimitExceeded") continue;
    if (name == "States.BranchFailed" && branch_failed) return true;
    if (name == "States.ALL") return true;
    if (name == "States.Timeout" && is_timeout) return true;
    if (name == "States.TaskFailed" && !is_timeout) return true;
  }
  return false;
}

bool handles_errors(const State* state) {
  StateType type = *state->type;
  return type == StateType::Task || type == StateType::Parallel || type == StateType::Map;
}

double number_field(const json& object, const char* key, double fallback) {
  auto found = object.find(key);
  return found != object.end() && found->is_number() ? found->get<double>() : fallback;
}

// The detail of an EvaluationFailed event (Step Functions' evaluationFailedEventDetails).
std::string evaluation_detail(const std::string& error, const std::string& cause,
                              const std::string& state) {
  return dump(json{{"error", error}, {"cause", cause}, {"state", state}});
}

}  // namespace

// The state failed with `error`: its Retry first, then its Catch, else the frame fails.
void Execution::fail_state(std::uint32_t id, std::string error, std::string cause) {
  Frame& frame = frames_[id];
  const bool branch_failed = std::exchange(frame.branch_failed, false);
  if (handles_errors(frame.state)) {
    if (try_retry(id, error, branch_failed)) return;
    if (try_catch(id, error, cause, branch_failed)) return;
  }
  StateRun& step = states_[frame.step];
  step.error = error;
  step.cause = cause;
  bool timed_out = error == "States.Timeout" || error == "States.HeartbeatTimeout";
  close_step(frame, timed_out ? StepStatus::TimedOut : StepStatus::Failed);
  frame.error = std::move(error);
  frame.cause = std::move(cause);
  end_frame(id, FrameStatus::Failed);
}

// The state failed with an error that no Task, Parallel or Map event records (a path,
// template, intrinsic, Assign or size failure while its data was worked out): an
// `EvaluationFailed` event says so, as Step Functions records it for JSONata states, so that
// a history read back (recorded_steps.hpp) knows the state failed even when it is caught.
void Execution::evaluation_failed(std::uint32_t id, std::string error, std::string cause) {
  push_event("EvaluationFailed", &frames_[id],
             evaluation_detail(error, cause, frames_[id].state->name));
  fail_state(id, std::move(error), std::move(cause));
}

bool Execution::try_retry(std::uint32_t id, const std::string& error, bool branch_failed) {
  Frame& frame = frames_[id];
  const std::vector<Retrier>& retriers = frame.state->retriers;
  for (std::size_t i = 0; i < retriers.size(); ++i) {
    if (!error_matches(retriers[i].error_equals, error, branch_failed)) continue;
    // The first matching retrier decides, also when it has no attempts left.
    if (frame.retries[i] >= retriers[i].max_attempts) return false;
    const json& definition = frame.state->definition["Retry"][i];
    double delay = retriers[i].interval_seconds *
                   std::pow(retriers[i].backoff_rate, static_cast<double>(frame.retries[i]));
    if (auto max_delay = definition.find("MaxDelaySeconds"); max_delay != definition.end()) {
      delay = std::min(delay, number_field(definition, "MaxDelaySeconds", delay));
    }
    if (definition.value("JitterStrategy", std::string("NONE")) == "FULL") {
      delay = std::uniform_real_distribution<double>(0, delay)(rng_);
    }
    ++frame.retries[i];
    ++frame.retry_count;
    auto delay_ms = static_cast<std::int64_t>(
        std::llround(std::min(delay * 1000, static_cast<double>(kMaxDelayMs))));
    observer_.task_retrying(states_[frame.step], error, delay_ms);
    frame.status = FrameStatus::Busy;
    ++frame.generation;
    timers_.push({monotonic_ns() + delay_ms * 1000000, id, frame.generation, TimerKind::Retry, 0});
    return true;
  }
  return false;
}

bool Execution::try_catch(std::uint32_t id, const std::string& error, const std::string& cause,
                          bool branch_failed) {
  Frame& frame = frames_[id];
  const std::vector<Catcher>& catchers = frame.state->catchers;
  for (std::size_t i = 0; i < catchers.size(); ++i) {
    if (!error_matches(catchers[i].error_equals, error, branch_failed)) continue;
    const State* target = frame.machine->find(catchers[i].next.name);
    json output;
    try {
      prepare_context(frame);
      const json& catcher = frame.state->definition["Catch"][i];
      json caught = error_output(error, cause);
      if (frame.state->jsonata) {
        output = catch_jsonata(frame, i, caught);
      } else {
        output = catcher_output(catcher, frame.input, caught);
        // The catcher's Assign replaces the state's (specification, "Error output").
        assign(frame, catcher, caught);
      }
    } catch (const AslError& failure) {
      // A catcher whose ResultPath cannot be applied fails the state with that error.
      push_event("EvaluationFailed", &frame,
                 evaluation_detail(failure.error(), failure.cause(), frame.state->name));
      StateRun& step = states_[frame.step];
      step.error = failure.error();
      step.cause = failure.cause();
      close_step(frame, StepStatus::Failed);
      frame.error = failure.error();
      frame.cause = failure.cause();
      end_frame(id, FrameStatus::Failed);
      return true;
    }
    std::string text = dump(output);
    StateRun& step = states_[frame.step];
    step.error = error;
    step.cause = cause;
    push_event(exited_event_name(*frame.state->type), &frame,
               exited_event_head(std::exchange(frame.assigned, nullptr)) + text + "}");
    close_step(frame, StepStatus::Failed);
    move_to(id, target, std::move(output), std::move(text));
    return true;
  }
  return false;
}

}  // namespace flowrun::asl
