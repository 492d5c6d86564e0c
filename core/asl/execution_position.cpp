#include "core/asl/execution_position.hpp"

#include <algorithm>
#include <charconv>

#include "core/asl/variables.hpp"

namespace flowrun::asl {
namespace {

using nlohmann::json;

// One frame while the events are replayed; details stay unparsed until the end.
struct Replay {
  std::string_view state;
  std::string_view entered_detail;
  std::int64_t entered_ms = 0;
  bool open = false;  // inside `state` (entered, not exited)
  std::string_view exited_detail;
  std::string token;
  std::int64_t task_started_ms = 0;
  int attempt = 0;
  json variables;  // what its exited states assigned, in order
  std::map<std::uint32_t, Replay> children;
};

// The frame `key` ("", "2", "2.0") under `root`, made when missing.
Replay& frame_at(Replay& root, std::string_view key) {
  Replay* frame = &root;
  while (!key.empty()) {
    std::size_t dot = key.find('.');
    std::string_view part = key.substr(0, dot);
    std::uint32_t slot = 0;
    std::from_chars(part.data(), part.data() + part.size(), slot);
    frame = &frame->children[slot];
    key.remove_prefix(dot == std::string_view::npos ? key.size() : dot + 1);
  }
  return *frame;
}

json field_of(std::string_view detail, const char* field) {
  json value = json::parse(detail, nullptr, false);
  return value.is_object() && value.contains(field) ? value[field] : json();
}

void replay_event(const RecordedEvent& event, Replay& root, ExecutionPosition& position) {
  std::string_view type = event.type;
  if (type == "ExecutionStarted") {
    position.input = field_of(event.detail, "input");
    return;
  }
  if (type == "TaskScheduled") ++position.invocations[std::string(event.state)];
  if (event.state.empty()) return;  // an event of the execution, or of another command
  Replay& frame = frame_at(root, event.frame);
  if (type.ends_with("StateEntered")) {
    // Entering the state it is already in is a continuation: the branches it ran stay.
    if (!(frame.open && frame.state == event.state)) frame.children.clear();
    frame.state = event.state;
    frame.entered_detail = event.detail;
    frame.entered_ms = event.at_ms;
    frame.open = true;
    frame.token.clear();
  } else if (type.ends_with("StateExited")) {
    frame.open = false;
    frame.exited_detail = event.detail;
    frame.token.clear();
    // Only a state that assigned variables starts its detail with them (exited_event_head).
    if (event.detail.starts_with("{\"assignedVariables\"")) {
      restore_assigned_variables(field_of(event.detail, "assignedVariables"), frame.variables);
    }
  } else if (type == "TaskStarted") {
    frame.task_started_ms = event.at_ms;
    frame.attempt = event.attempt;
    json token = field_of(event.detail, "token");
    frame.token = token.is_string() ? token.get<std::string>() : "";
  } else if (type == "TaskSucceeded" || type == "TaskFailed" || type == "TaskTimedOut" ||
             type == "TaskStateAborted") {
    frame.token.clear();
  }
}

const StateMachine* child_machine(const State* state, std::uint32_t slot) {
  if (!state || !state->type) return nullptr;
  if (*state->type == StateType::Parallel) {
    return slot < state->branches.size() ? &state->branches[slot] : nullptr;
  }
  if (*state->type == StateType::Map) return state->iterator.get();
  return nullptr;
}

FramePosition settle(const Replay& replay, const StateMachine* machine) {
  FramePosition position;
  if (replay.state.empty()) return position;
  const State* state = machine ? machine->find(replay.state) : nullptr;
  position.state = std::string(replay.state);
  position.input = field_of(replay.entered_detail, "input");
  position.entered_ms = replay.entered_ms;
  position.variables = replay.variables;
  if (!replay.open && state) {
    json output = field_of(replay.exited_detail, "output");
    if (state->end || state->type == StateType::Succeed) {
      position.succeeded = true;
      position.output = std::move(output);
      return position;
    }
    // Exited without entering the next state (a history written before the interpreter
    // recorded where a stopped frame was): the next state; a Choice is evaluated again.
    if (state->next.is_set() && state->type != StateType::Choice) {
      position.state = state->next.name;
      position.input = std::move(output);
      position.entered_ms = 0;
      return position;
    }
  }
  position.token = replay.token;
  position.task_started_ms = replay.task_started_ms;
  position.attempt = replay.attempt;
  for (const auto& [slot, child] : replay.children) {
    position.children.emplace(slot, settle(child, child_machine(state, slot)));
  }
  return position;
}

}  // namespace

ExecutionPosition reconstruct_position(const StateMachine& machine,
                                       const std::vector<RecordedEvent>& events) {
  ExecutionPosition position;
  const bool tagged = has_frame_tags(events);
  bool dropped = false;
  Replay root;
  for (const RecordedEvent& event : events) {
    // Before frame tags, branch and iteration events were written as the top level's.
    if (!tagged && !event.state.empty() && !machine.find(event.state)) {
      dropped = true;
      if (event.type == "TaskScheduled") ++position.invocations[std::string(event.state)];
      continue;
    }
    replay_event(event, root, position);
  }
  position.root = settle(root, &machine);
  if (dropped && !position.root.succeeded) {
    const State* state = machine.find(position.root.state);
    position.lacks_branch_positions =
        state && (state->type == StateType::Parallel || state->type == StateType::Map);
  }
  return position;
}

bool has_frame_tags(const std::vector<RecordedEvent>& events) {
  return std::any_of(events.begin(), events.end(),
                     [](const RecordedEvent& event) { return !event.frame.empty(); });
}

const State* find_state_anywhere(const StateMachine& machine, std::string_view name) {
  if (const State* state = machine.find(name)) return state;
  for (const State& state : machine.states) {
    for (const StateMachine& branch : state.branches) {
      if (const State* found = find_state_anywhere(branch, name)) return found;
    }
    if (state.iterator) {
      if (const State* found = find_state_anywhere(*state.iterator, name)) return found;
    }
  }
  return nullptr;
}

}  // namespace flowrun::asl
