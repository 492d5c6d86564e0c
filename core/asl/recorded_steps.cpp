#include "core/asl/recorded_steps.hpp"

#include <charconv>
#include <map>

namespace flowrun::asl {
namespace {

using nlohmann::json;

constexpr std::size_t kNone = static_cast<std::size_t>(-1);

// One frame (the top level, a Parallel branch, a Map iteration) while the events are read.
struct Track {
  const StateMachine* machine = nullptr;
  std::int64_t item_index = -1;
  std::size_t step = kNone;  // its state execution still open
  bool failed = false;       // that state failed and was not retried since
  std::string error;  // a Parallel, Map or evaluation failure, the state's once it ends failed
  std::string cause;
};

std::string text_field(std::string_view detail, const char* field) {
  json value = json::parse(detail, nullptr, false);
  if (!value.is_object()) return "";
  auto found = value.find(field);
  if (found == value.end() || found->is_null()) return "";
  return found->is_string() ? found->get<std::string>() : found->dump();
}

bool is_timeout(const std::string& error) {
  return error == "States.Timeout" || error == "States.HeartbeatTimeout";
}

// Error or Cause of a Fail state when the definition gives it literally (as run_fail reads it).
std::string literal_field(const State& state, const char* field) {
  auto found = state.definition.find(field);
  if (found == state.definition.end()) return "";
  return found->is_string() ? found->get<std::string>()
                            : found->dump(-1, ' ', false, json::error_handler_t::replace);
}

// Where a history recorded before frame tags keeps its branch and iteration states: one
// track of their own, so that the top level's state executions stay right.
constexpr std::string_view kUntagged = "?";

class StepReplay {
 public:
  StepReplay(const StateMachine& machine, const std::vector<RecordedAttempt>& attempts, bool tagged)
      : machine_(machine), attempts_(attempts), tagged_(tagged) {
    tracks_[""].machine = &machine;
  }

  void read(const RecordedEvent& event);
  std::vector<StateRun> finish();

 private:
  Track& track(std::string_view key) { return tracks_[key]; }
  std::string_view frame_of(const RecordedEvent& event) const;
  void enter(const RecordedEvent& event, std::string_view key);
  void place(std::string_view key, Track& frame);
  void close(Track& frame, StepStatus status, std::int64_t at_ms);
  void fail(Track& frame, const std::string& error, const std::string& cause, std::int64_t at_ms);
  void settle_under(std::string_view key, std::int64_t at_ms, bool aborted);
  void fill_fail_state(const std::string& error, const std::string& cause);
  StateRun* open_run(Track& frame) { return frame.step == kNone ? nullptr : &runs_[frame.step]; }

  const StateMachine& machine_;
  const std::vector<RecordedAttempt>& attempts_;
  const bool tagged_;
  std::map<std::string_view, Track> tracks_;
  std::vector<StateRun> runs_;
  std::size_t fail_state_ = kNone;  // a Fail state whose error comes with the frame's failure
};

// The machine and Map item of frame `key` ("2", "2.0"): a branch or iteration of the state
// its parent frame is in.
void StepReplay::place(std::string_view key, Track& frame) {
  std::size_t dot = key.rfind('.');
  std::string_view parent_key = dot == std::string_view::npos ? "" : key.substr(0, dot);
  std::string_view slot_text = key.substr(dot == std::string_view::npos ? 0 : dot + 1);
  std::uint32_t slot = 0;
  std::from_chars(slot_text.data(), slot_text.data() + slot_text.size(), slot);
  Track& parent = track(parent_key);
  const StateRun* around = open_run(parent);
  const State* state = around ? around->state : nullptr;
  frame.machine = nullptr;
  frame.item_index = parent.item_index;
  if (!state || !state->type) return;
  if (*state->type == StateType::Parallel && slot < state->branches.size()) {
    frame.machine = &state->branches[slot];
  } else if (*state->type == StateType::Map) {
    frame.machine = state->iterator.get();
    frame.item_index = slot;
  }
}

std::string_view StepReplay::frame_of(const RecordedEvent& event) const {
  if (tagged_ || event.state.empty() || machine_.find(event.state)) return event.frame;
  return kUntagged;
}

void StepReplay::enter(const RecordedEvent& event, std::string_view key) {
  Track& frame = track(key);
  if (key == kUntagged) {
    frame.machine = nullptr;
  } else if (!key.empty()) {
    place(key, frame);
  }
  const State* state = frame.machine ? frame.machine->find(event.state) : nullptr;
  if (!state) state = find_state_anywhere(machine_, event.state);
  frame.step = runs_.size();
  frame.failed = false;
  frame.error.clear();
  frame.cause.clear();
  StateRun& run = runs_.emplace_back();
  run.state = state;
  run.item_index = frame.item_index;
  run.started_ms = event.at_ms;
  if (state && state->type == StateType::Fail) {
    // A Fail state fails as it is entered; a path's error arrives with the frame's failure.
    run.status = StepStatus::Failed;
    run.ended_ms = event.at_ms;
    run.error = literal_field(*state, "Error");
    run.cause = literal_field(*state, "Cause");
    if (state->definition.contains("ErrorPath") || state->definition.contains("CausePath")) {
      fail_state_ = frame.step;
    }
    frame.step = kNone;
  }
}

void StepReplay::close(Track& frame, StepStatus status, std::int64_t at_ms) {
  StateRun* run = open_run(frame);
  if (!run) return;
  run->status = status;
  run->ended_ms = at_ms;
  frame.step = kNone;
}

// The frame's state failed for good (no Retry, no Catch): the frame ends with `error`.
void StepReplay::fail(Track& frame, const std::string& error, const std::string& cause,
                      std::int64_t at_ms) {
  StateRun* run = open_run(frame);
  if (!run) return;
  if (!frame.error.empty() || !frame.failed) {
    run->error = frame.error.empty() ? error : frame.error;
    run->cause = frame.error.empty() ? cause : frame.cause;
  }
  close(frame, is_timeout(run->error) ? StepStatus::TimedOut : StepStatus::Failed, at_ms);
}

// Frames under `key` that are still in a state: stopped with their parent (cancelled), or,
// when a branch's failure ended the parent (`aborted` false), failed when their state had.
void StepReplay::settle_under(std::string_view key, std::int64_t at_ms, bool aborted) {
  for (auto& [child_key, frame] : tracks_) {
    bool below = key.empty() ? !child_key.empty()
                             : child_key.size() > key.size() && child_key.starts_with(key) &&
                                   child_key[key.size()] == '.';
    if (!below || frame.step == kNone) continue;
    if (!aborted && frame.failed) {
      fail(frame, "", "", at_ms);
    } else {
      close(frame, StepStatus::Cancelled, at_ms);
    }
  }
}

void StepReplay::fill_fail_state(const std::string& error, const std::string& cause) {
  if (fail_state_ == kNone) return;
  StateRun& run = runs_[fail_state_];
  if (run.state->definition.contains("ErrorPath")) run.error = error;
  if (run.state->definition.contains("CausePath")) run.cause = cause;
  fail_state_ = kNone;
}

void StepReplay::read(const RecordedEvent& event) {
  std::string_view type = event.type;
  if (type == "ExecutionRedriven") {  // what was left running was stopped
    for (auto& [key, frame] : tracks_) {
      if (StateRun* run = open_run(frame)) run->status = StepStatus::Cancelled;
      frame.step = kNone;
    }
    return;
  }
  if (type == "ExecutionAborted" || type == "ExecutionTimedOut") {
    for (auto& [key, frame] : tracks_) close(frame, StepStatus::Cancelled, event.at_ms);
    return;
  }
  if (type == "ExecutionFailed") {
    std::string error = text_field(event.detail, "error");
    std::string cause = text_field(event.detail, "cause");
    fill_fail_state(error, cause);
    fail(track(""), error, cause, event.at_ms);
    return;
  }
  if (event.state.empty()) return;
  const std::string_view key = frame_of(event);
  if (type.ends_with("StateEntered")) return enter(event, key);
  Track& frame = track(key);
  StateRun* run = open_run(frame);
  if (type.ends_with("StateExited")) {
    if (!run) return;
    // Exited after a failure: a Catch took it.
    if (frame.failed) {
      if (!frame.error.empty()) {
        run->error = frame.error;
        run->cause = frame.cause;
      }
      close(frame, StepStatus::Failed, event.at_ms);
    } else {
      close(frame, StepStatus::Succeeded, event.at_ms);
    }
  } else if (type == "TaskScheduled" || type == "TaskStarted") {
    if (run) run->attempts = std::max(run->attempts, event.attempt);
    frame.failed = false;
    frame.error.clear();  // an evaluation failure before this retry
    frame.cause.clear();
  } else if (type == "TaskSucceeded") {
    if (run) {
      run->error.clear();
      run->cause.clear();
    }
    frame.failed = false;
  } else if (type == "TaskFailed" || type == "TaskTimedOut") {
    if (run) {
      run->attempts = std::max(run->attempts, event.attempt);
      run->error = text_field(event.detail, "error");
      run->cause = text_field(event.detail, "cause");
    }
    frame.failed = true;
  } else if (type == "EvaluationFailed") {
    // The state failed while its data was worked out; its Retry or Catch may follow, and the
    // error is the state's once it ends failed.
    frame.failed = true;
    frame.error = text_field(event.detail, "error");
    frame.cause = text_field(event.detail, "cause");
  } else if (type == "TaskStateAborted") {
    close(frame, StepStatus::Cancelled, event.at_ms);
  } else if (type == "ParallelStateStarted" || type == "MapStateStarted") {
    frame.failed = false;  // a retry of the state runs its branches again
    frame.error.clear();
    frame.cause.clear();
  } else if (type == "ParallelStateFailed" || type == "MapStateFailed") {
    std::string error = text_field(event.detail, "error");
    std::string cause = text_field(event.detail, "cause");
    fill_fail_state(error, cause);
    settle_under(key, event.at_ms, false);
    frame.failed = true;
    frame.error = std::move(error);
    frame.cause = std::move(cause);
  } else if (type == "MapIterationFailed" || type == "MapIterationAborted") {
    json detail = json::parse(event.detail, nullptr, false);
    if (!detail.is_object()) return;
    std::string child = key.empty() ? "" : std::string(key) + ".";
    child += std::to_string(detail.value("index", 0));
    auto found = tracks_.find(child);
    if (found == tracks_.end()) return;
    if (type == "MapIterationAborted") {
      settle_under(found->first, event.at_ms, true);
      close(found->second, StepStatus::Cancelled, event.at_ms);
      return;
    }
    std::string error = text_field(event.detail, "error");
    std::string cause = text_field(event.detail, "cause");
    fill_fail_state(error, cause);
    fail(found->second, error, cause, event.at_ms);
  }
}

std::vector<StateRun> StepReplay::finish() {
  for (const RecordedAttempt& attempt : attempts_) {
    if (attempt.step >= runs_.size()) continue;
    StateRun& run = runs_[attempt.step];
    if (!run.state || run.state->name != attempt.state) continue;
    run.log_path = std::string(attempt.log_path);
    if (attempt.ran_process && attempt.ended) run.exit_code = attempt.exit_code;
  }
  std::vector<StateRun> out;
  for (StateRun& run : runs_) {
    if (run.state) out.push_back(std::move(run));
  }
  return out;
}

}  // namespace

std::vector<StateRun> recorded_state_runs(const StateMachine& machine,
                                          const std::vector<RecordedEvent>& events,
                                          const std::vector<RecordedAttempt>& attempts) {
  StepReplay replay(machine, attempts, has_frame_tags(events));
  for (const RecordedEvent& event : events) replay.read(event);
  return replay.finish();
}

}  // namespace flowrun::asl
