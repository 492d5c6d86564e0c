#include "core/asl/execution.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>

#include "core/asl/choice_compiled.hpp"
#include "core/asl/compiled_data_flow.hpp"
#include "core/asl/data_flow.hpp"
#include "core/asl/item_reader.hpp"
#include "core/asl/json_release.hpp"
#include "core/asl/timestamp.hpp"
#include "core/asl/variables.hpp"
#include "core/util/error.hpp"
#include "core/util/json_text.hpp"

namespace flowrun::asl {
namespace {

using nlohmann::json;

// Pass, Choice, Succeed and Fail are too many and too fast to show one by one.
bool is_shown(const State* state) {
  StateType type = *state->type;
  return type == StateType::Task || type == StateType::Wait || type == StateType::Parallel ||
         type == StateType::Map;
}

}  // namespace

std::string_view entered_event_name(StateType type) {
  switch (type) {
    case StateType::Task:
      return "TaskStateEntered";
    case StateType::Pass:
      return "PassStateEntered";
    case StateType::Choice:
      return "ChoiceStateEntered";
    case StateType::Wait:
      return "WaitStateEntered";
    case StateType::Succeed:
      return "SucceedStateEntered";
    case StateType::Fail:
      return "FailStateEntered";
    case StateType::Parallel:
      return "ParallelStateEntered";
    case StateType::Map:
      return "MapStateEntered";
  }
  return "StateEntered";
}

std::string_view exited_event_name(StateType type) {
  switch (type) {
    case StateType::Task:
      return "TaskStateExited";
    case StateType::Pass:
      return "PassStateExited";
    case StateType::Choice:
      return "ChoiceStateExited";
    case StateType::Wait:
      return "WaitStateExited";
    case StateType::Succeed:
      return "SucceedStateExited";
    case StateType::Fail:
      return "FailStateExited";
    case StateType::Parallel:
      return "ParallelStateExited";
    case StateType::Map:
      return "MapStateExited";
  }
  return "StateExited";
}

std::string dump(const json& value) { return compact_json(value); }

std::string wrap_json(std::string_view head, std::string_view body) {
  std::string out;
  out.reserve(head.size() + body.size() + 1);
  out += head;
  out += body;
  out += '}';
  return out;
}

void ExecutionRecorder::wrapped_event(const HistoryEvent& event, std::string_view head,
                                      std::string_view body) {
  HistoryEvent joined = event;
  joined.detail = wrap_json(head, body);
  this->event(std::move(joined));
}

void MemoryRecorder::wrapped_event(const HistoryEvent& event, std::string_view head,
                                   std::string_view body) {
  HistoryEvent& kept = events.emplace_back(event);
  kept.frame = {};  // a view into the execution, which ends before the events are read
  kept.detail = wrap_json(head, body);
}

std::string error_detail(const std::string& error, const std::string& cause) {
  return dump(json{{"error", error}, {"cause", cause}});
}

json error_output(const std::string& error, const std::string& cause) {
  json output = json::object();
  if (!error.empty()) output["Error"] = error;
  if (!cause.empty()) output["Cause"] = cause;
  return output;
}

Execution::Execution(const StateMachine& machine, RunState run, const ExecutionOptions& options,
                     const RunFolder& folder, ExecutionRecorder& recorder,
                     ExecutionObserver& observer)
    : machine_(machine),
      options_(options),
      folder_(folder),
      recorder_(recorder),
      observer_(observer),
      run_(std::move(run)),
      spawner_(loop_.original_mask()),
      resolver_("") {
  std::string path_value;
  for (const std::string& entry : options_.environment) {
    if (entry.rfind("PATH=", 0) == 0) path_value = entry.substr(5);
  }
  resolver_ = ProgramResolver(path_value.empty() ? "/usr/local/bin:/usr/bin:/bin" : path_value);
  rng_.seed(options_.seed ? options_.seed : std::random_device{}());
  const std::string& name = options_.machine_name.empty() ? run_.workflow : options_.machine_name;
  std::string machine_arn = "arn:aws:states:local:000000000000:stateMachine:" + name;
  context_ = {{"Execution",
               {{"Id", "arn:aws:states:local:000000000000:execution:" + name + ":" + run_.run_id},
                {"Name", run_.run_id},
                {"RoleArn", "arn:aws:iam::000000000000:role/flowrun-local"},
                {"RedriveCount", 0}}},
              {"StateMachine", {{"Id", machine_arn}, {"Name", name}}},
              {"State", {{"Name", ""}, {"EnteredTime", ""}, {"RetryCount", 0}}}};
  // Pointers into the State object stay valid: its keys never change after this.
  json& state = context_["State"];
  context_state_name_ = &state["Name"];
  context_entered_time_ = &state["EnteredTime"];
  context_retry_count_ = &state["RetryCount"];
}

// The current variable scope points into frames_: it must not outlive them.
Execution::~Execution() { set_current_variables(nullptr); }

ExecutionResult Execution::run(const json& input) {
  run_.status = RunStatus::Running;
  if (run_.started_ms == 0) run_.started_ms = now_epoch_ms();
  context_["Execution"]["Input"] = input;
  context_["Execution"]["StartTime"] = format_timestamp(run_.started_ms);
  recorder_.execution_started(run_);
  Frame& root = frames_.emplace_back();
  root.machine = &machine_;
  root.state = machine_.find(machine_.start_at);
  root.input = input;
  root.input_text = dump(input);
  if (!options_.resume) {
    push_event("ExecutionStarted", nullptr,
               "{\"input\":" + root.input_text +
                   ",\"roleArn\":" + context_["Execution"]["RoleArn"].dump() + "}");
  }
  // The whole-run timeout counts from this start, also for a redrive.
  if (machine_.timeout_seconds) {
    timers_.push(
        {monotonic_ns() + std::min(*machine_.timeout_seconds, kMaxDelayMs / 1000) * 1000000000, 0,
         0, TimerKind::RunTimeout, 0});
  }
  if (!root.state) {
    root.error = "States.Runtime";
    root.cause = "StartAt names no state: '" + machine_.start_at + "'";
    end_frame(0, FrameStatus::Failed);
  } else if (options_.resume) {
    resume_root(*options_.resume);
  } else {
    ready_.push_back(0);
  }
  while (!finished_) {
    slice_transitions_ = 0;
    slice_started_ns_ = monotonic_ns();
    for (std::size_t head = 0; head < ready_.size() && !finished_; ++head) advance(ready_[head]);
    ready_.clear();
    if (finished_) break;
    if (!yielded_.empty()) {
      ready_.swap(yielded_);
      wait_for_events(true);
      continue;
    }
    if (options_.no_wait && !tokens_.empty() && should_pause()) {
      pause();
      break;
    }
    wait_for_events();
  }
  finish_run();
  return ExecutionResult{std::move(run_), std::move(states_), std::move(waiting_)};
}

// --no-wait: nothing runs (no process, no built-in call), nothing is due (no Wait, no retry
// delay), and a callback Task waits for its token. Answers already given are taken first.
bool Execution::should_pause() {
  if (!processes_.empty() || !builtin_calls_.empty()) return false;
  read_token_answers();
  if (!ready_.empty()) return false;
  bool waiting = false;
  for (const Frame& frame : frames_) {
    if (frame.status != FrameStatus::Busy || frame.fanout) continue;
    if (!frame.waiting_token) return false;
    waiting = true;
  }
  return waiting;
}

// Stops the execution `waiting`: its tokens stay issued, so task-success/-failure from any
// process records the answer, and `flowrun resume` continues from here.
void Execution::pause() {
  for (std::uint32_t id = 0; id < frames_.size(); ++id) {
    Frame& frame = frames_[id];
    if (frame.status != FrameStatus::Busy || !frame.waiting_token) continue;
    waiting_.push_back(WaitingTask{frame.state->name, frame.item_index, frame.token});
    states_[frame.step].status = StepStatus::Waiting;
  }
  run_.status = RunStatus::Waiting;
  const WaitingTask& first = waiting_.front();
  run_.cause = waiting_.size() == 1
                   ? fmt::format("state '{}' waits for task token {}", first.state, first.token)
                   : fmt::format("{} states wait for their task tokens (state '{}': {} ...)",
                                 waiting_.size(), first.state, first.token);
  finished_ = true;
}

void Execution::advance(std::uint32_t id) {
  // The clock is read every kSliceCheck transitions, and the slice ends after kSliceNs.
  constexpr std::uint32_t kSliceCheck = 64;
  constexpr std::int64_t kSliceNs = 10 * 1000000;
  while (!finished_ && frames_[id].status == FrameStatus::Ready) {
    if (++slice_transitions_ % kSliceCheck == 0 && monotonic_ns() - slice_started_ns_ > kSliceNs) {
      yielded_.push_back(id);
      return;
    }
    Frame& frame = frames_[id];
    if (!frame.entered) enter_state(frame);
    run_state(id);
  }
}

void Execution::enter_state(Frame& frame) {
  frame.entered = true;
  frame.retries.assign(frame.state->retriers.size(), 0);
  frame.retry_count = 0;
  frame.attempt = 0;
  // A state entered as the last one exited takes its time: one clock read per transition.
  frame.entered_ms = frame.exited_ms ? std::exchange(frame.exited_ms, 0) : now_epoch_ms();
  frame.step = open_step(frame);
  if (frame.input_text.empty()) frame.input_text = dump(frame.input);
  push_wrapped_event(entered_event_name(*frame.state->type), frame, frame.entered_ms,
                     "{\"input\":", frame.input_text);
}

void Execution::run_state(std::uint32_t id) {
  Frame& frame = frames_[id];
  try {
    if (frame.state->jsonata) return run_jsonata(id);
    switch (*frame.state->type) {
      case StateType::Pass:
        return run_pass(id);
      case StateType::Choice:
        return run_choice(id);
      case StateType::Succeed:
        return run_succeed(id);
      case StateType::Fail:
        return run_fail(id);
      case StateType::Wait:
        return run_wait(id);
      case StateType::Task:
        return run_task(id);
      case StateType::Parallel:
        return run_parallel(id);
      case StateType::Map:
        return run_map(id);
    }
  } catch (const AslError& error) {
    context_.erase("Task");
    context_.erase("Map");
    evaluation_failed(id, error.error(), error.cause());
  }
}

void Execution::prepare_context(const Frame& frame) {
  set_current_variables(&frame.variables);
  // The State fields are written only for a state that can read them (link_states).
  if (!frame.state->facts.reads_context) return;
  *context_state_name_ = frame.state->name;
  if (frame.entered_ms != entered_time_ms_) {
    entered_time_ms_ = frame.entered_ms;
    *context_entered_time_ = format_timestamp(frame.entered_ms);
  }
  *context_retry_count_ = frame.retry_count;
}

void Execution::run_pass(std::uint32_t id) {
  Frame& frame = frames_[id];
  if (frame.state->facts.identity) {
    return exit_state(id, std::move(frame.input), nullptr, std::move(frame.input_text));
  }
  prepare_context(frame);
  const DataFields& fields = frame.state->facts.data;
  json computed;  // the effective input, when there is no Result
  const json& result =
      fields.result ? *fields.result : (computed = effective_input(fields, frame.input, context_));
  // Without ResultPath and OutputPath the output is this input, and exit_state measures it.
  if (fields.parameters && !fields.result && (fields.result_path || fields.output_path) &&
      parameters_too_large(id, computed)) {
    return;
  }
  // When nothing reads the effective input afterwards, it is moved on rather than copied.
  json output = fields.result || fields.assign
                    ? state_output(fields, frame.input, result, context_)
                    : state_output(fields, frame.input, std::move(computed), context_);
  if (fields.assign) assign(frame, frame.state->definition, result);
  exit_state(id, std::move(output));
}

void Execution::run_choice(std::uint32_t id) {
  Frame& frame = frames_[id];
  prepare_context(frame);
  const json& definition = frame.state->definition;
  const StateFacts& facts = frame.state->facts;
  bool plain = facts.plain_choice;
  json input = plain ? json() : effective_input(facts.data, frame.input, context_);
  const json& chosen_input = plain ? frame.input : input;
  const json* rule = facts.choice_program ? facts.choice_program->choose(chosen_input, context_)
                                          : choose_rule(definition, chosen_input, context_);
  const State* target = choice_target(frame, rule);
  // The chosen rule's Assign, or the state's when the Default is taken (specification).
  assign(frame, rule ? *rule : definition, chosen_input);
  if (plain) return exit_state(id, std::move(frame.input), target, std::move(frame.input_text));
  exit_state(id, state_output(facts.data, frame.input, input, context_), target);
}

// The state a Choice moves to for `rule` (one of its Choices; null: the Default), as the
// loader linked it; looked up by name only when it is not linked (then it is missing).
const State* Execution::choice_target(const Frame& frame, const json* rule) {
  const State& state = *frame.state;
  const std::vector<const State*>& targets = state.facts.choice_next;
  const State* target = state.facts.choice_default;
  if (rule) {
    target = nullptr;
    auto choices = state.definition.find("Choices");
    if (choices != state.definition.end() && choices->is_array() &&
        choices->size() == targets.size() && !choices->empty() && rule >= &choices->front() &&
        rule <= &choices->back()) {
      target = targets[static_cast<std::size_t>(rule - &choices->front())];
    }
  }
  if (target) return target;
  std::string next =
      rule ? (*rule)["Next"].get<std::string>() : state.definition["Default"].get<std::string>();
  target = frame.machine->find(next);
  if (!target) throw AslError("States.Runtime", "Choice state names no state: '" + next + "'");
  return target;
}

void Execution::run_succeed(std::uint32_t id) {
  Frame& frame = frames_[id];
  if (frame.state->facts.identity) {
    return exit_state(id, std::move(frame.input), nullptr, std::move(frame.input_text));
  }
  prepare_context(frame);
  const DataFields& fields = frame.state->facts.data;
  exit_state(id, state_output(fields, frame.input, effective_input(fields, frame.input, context_),
                              context_));
}

// Error and Cause of a Fail state: a literal, or a path / intrinsic on the state's input.
void Execution::run_fail(std::uint32_t id) {
  Frame& frame = frames_[id];
  prepare_context(frame);
  const json& definition = frame.state->definition;
  const CompiledDataFlow& flow = *frame.state->facts.data.compiled;
  auto read = [&](const char* field, const char* path_field,
                  const std::optional<CompiledExpression>& compiled) -> std::string {
    if (auto literal = definition.find(field); literal != definition.end()) {
      return literal->is_string() ? literal->get<std::string>() : dump(*literal);
    }
    auto path = definition.find(path_field);
    if (path == definition.end()) return "";
    if (!path->is_string()) {
      throw AslError("States.Runtime", fmt::format("{} of Fail state '{}' must be a path",
                                                   path_field, frame.state->name));
    }
    json value = compiled->evaluate(frame.input, context_, "States.Runtime");
    if (!value.is_string()) {
      throw AslError("States.Runtime", fmt::format("{} of Fail state '{}' must select a string",
                                                   path_field, frame.state->name));
    }
    return value.get<std::string>();
  };
  fail_frame_at_state(id, read("Error", "ErrorPath", flow.error_path),
                      read("Cause", "CausePath", flow.cause_path));
}

// A Fail state ends its frame with `error` and `cause`.
void Execution::fail_frame_at_state(std::uint32_t id, std::string error, std::string cause) {
  Frame& frame = frames_[id];
  StateRun& step = states_[frame.step];
  step.error = error;
  step.cause = cause;
  close_step(frame, StepStatus::Failed);
  frame.error = std::move(error);
  frame.cause = std::move(cause);
  end_frame(id, FrameStatus::Failed);
}

// Wait: a timer of the loop, never a sleeping thread.
void Execution::run_wait(std::uint32_t id) {
  Frame& frame = frames_[id];
  prepare_context(frame);
  const json& definition = frame.state->definition;
  const DataFields& fields = frame.state->facts.data;
  json input = effective_input(fields, frame.input, context_);
  const std::int64_t now_ms = now_epoch_ms();
  // A Wait continued by a redrive counts from when it was first entered.
  const std::int64_t from_ms = frame.wait_from_ms ? std::exchange(frame.wait_from_ms, 0) : now_ms;
  std::int64_t due_ms = from_ms;
  auto seconds_of = [&](const json& value, const char* field) {
    if (!value.is_number() || value.get<double>() < 0 ||
        value.get<double>() != static_cast<double>(value.get<std::int64_t>())) {
      throw AslError("States.Runtime", fmt::format("{} of Wait state '{}' must be a non-negative "
                                                   "integer, got {}",
                                                   field, frame.state->name, dump(value)));
    }
    return from_ms + std::min(value.get<std::int64_t>(), kMaxDelayMs / 1000) * 1000;
  };
  auto time_of = [&](const json& value, const char* field) {
    std::optional<Timestamp> date;
    if (value.is_string()) date = parse_timestamp(value.get<std::string>());
    if (!date) {
      throw AslError("States.Runtime", fmt::format("{} of Wait state '{}' must be an RFC 3339 "
                                                   "timestamp, got {}",
                                                   field, frame.state->name, dump(value)));
    }
    return date->seconds * 1000 + date->nanos / 1000000;
  };
  if (auto found = definition.find("Seconds"); found != definition.end()) {
    due_ms = seconds_of(*found, "Seconds");
  } else if (auto path = definition.find("SecondsPath"); path != definition.end()) {
    due_ms =
        seconds_of(select_reference(input, path->get<std::string>(), context_, "States.Runtime"),
                   "SecondsPath");
  } else if (auto stamp = definition.find("Timestamp"); stamp != definition.end()) {
    due_ms = time_of(*stamp, "Timestamp");
  } else if (auto stamp_path = definition.find("TimestampPath"); stamp_path != definition.end()) {
    due_ms =
        time_of(select_reference(input, stamp_path->get<std::string>(), context_, "States.Runtime"),
                "TimestampPath");
  }
  json output = state_output(fields, frame.input, input, context_);
  assign(frame, definition, input);
  wait_until(id, std::move(output), due_ms, now_ms);
}

// The Wait state's frame sleeps until `due_ms` (epoch), then exits with `output`.
void Execution::wait_until(std::uint32_t id, json output, std::int64_t due_ms,
                           std::int64_t now_ms) {
  Frame& frame = frames_[id];
  frame.output = std::move(output);
  frame.status = FrameStatus::Busy;
  ++frame.generation;
  std::int64_t delay_ns = std::clamp<std::int64_t>(due_ms - now_ms, 0, kMaxDelayMs) * 1000000;
  timers_.push({monotonic_ns() + delay_ns, id, frame.generation, TimerKind::Wait, 0});
}

bool Execution::parameters_too_large(std::uint32_t id, const json& input) {
  std::size_t size = dump(input).size();
  if (size <= options_.max_payload_bytes) return false;
  evaluation_failed(id, "States.DataLimitExceeded",
                    fmt::format("the input of state '{}' is {} bytes after Parameters, more than "
                                "the {} bytes allowed",
                                frames_[id].state->name, size, options_.max_payload_bytes));
  return true;
}

// The state produced `output`: record it, then move to the next state or end the frame.
void Execution::exit_state(std::uint32_t id, json output, const State* next, std::string text) {
  Frame& frame = frames_[id];
  if (text.empty()) text = dump(output);
  if (text.size() > options_.max_payload_bytes) {
    return evaluation_failed(
        id, "States.DataLimitExceeded",
        fmt::format("the output of state '{}' is {} bytes, more than the {} bytes "
                    "a state may pass on",
                    frame.state->name, text.size(), options_.max_payload_bytes));
  }
  const StateFacts& facts = frame.state->facts;
  const std::int64_t now_ms = now_epoch_ms();  // the event's time is the step's end
  if (frame.assigned.is_null()) {
    push_wrapped_event(exited_event_name(*frame.state->type), frame, now_ms, "{\"output\":", text);
  } else {
    push_wrapped_event(exited_event_name(*frame.state->type), frame, now_ms,
                       exited_event_head(std::exchange(frame.assigned, nullptr)), text);
  }
  close_step(frame, StepStatus::Succeeded, now_ms);
  if (!next && facts.terminal) {
    frame.output = std::move(output);
    frame.input_text = std::move(text);
    end_frame(id, FrameStatus::Succeeded);
    return;
  }
  frame.exited_ms = now_ms;
  move_to(id, next ? next : facts.next, std::move(output), std::move(text));
}

void Execution::move_to(std::uint32_t id, const State* next, json input, std::string text) {
  Frame& frame = frames_[id];
  if (!next) {
    frame.error = "States.Runtime";
    frame.cause = "state '" + frame.state->name + "' has no next state";
    end_frame(id, FrameStatus::Failed);
    return;
  }
  frame.state = next;
  replace_json(frame.input, std::move(input));
  frame.input_text = std::move(text);
  frame.entered = false;
  frame.status = FrameStatus::Ready;
  ++frame.generation;
}

void Execution::complete_state(std::uint32_t id, const json& result) {
  Frame& frame = frames_[id];
  try {
    prepare_context(frame);
    if (frame.state->jsonata) {
      exit_state(id, complete_jsonata(frame, result));
    } else {
      json output = state_output(frame.state->facts.data, frame.input, result, context_);
      assign(frame, frame.state->definition, result);
      exit_state(id, std::move(output));
    }
  } catch (const AslError& error) {
    evaluation_failed(id, error.error(), error.cause());
  }
  if (frames_[id].status == FrameStatus::Ready) ready_.push_back(id);
}

// The `Assign` field of `owner` (the state, a Choice rule or a Catcher), with `$` = `value`
// (specification, "Using Assign": the result of a Task, Parallel, Map or Pass state, the
// effective input of a Choice or Wait state, the error output in a Catcher).
void Execution::assign(Frame& frame, const json& owner, const json& value) {
  auto found = owner.find("Assign");
  if (found == owner.end()) return;
  // The state's own Assign is compiled (a rule's or a Catcher's is not).
  const DataFields& fields = frame.state->facts.data;
  json values = &*found == fields.assign && fields.compiled->assign
                    ? fields.compiled->assign->evaluate(value, context_)
                    : evaluate_assignment(*found, value, context_);
  store_variables(values, frame.variables);
  store_variables(values, frame.assigned);
}

void Execution::end_frame(std::uint32_t id, FrameStatus status) {
  Frame& frame = frames_[id];
  frame.status = status;
  ++frame.generation;
  if (frame.parent != kNone) return child_ended(id);
  if (finished_) return;
  run_.ended_ms = now_epoch_ms();
  if (status == FrameStatus::Succeeded) {
    run_.status = RunStatus::Succeeded;
    run_.output = std::move(frame.output);
    push_event("ExecutionSucceeded", nullptr, "{\"output\":" + frame.input_text + "}");
  } else {
    run_.status = RunStatus::Failed;
    run_.output = nullptr;
    // A Fail state may name no Error or no Cause: the summary then says null, not "".
    if (!frame.error.empty()) run_.error = frame.error;
    if (!frame.cause.empty()) run_.cause = frame.cause;
    push_event("ExecutionFailed", nullptr, error_detail(frame.error, frame.cause));
  }
  finished_ = true;
}

std::size_t Execution::open_step(Frame& frame) {
  StateRun& step = states_.emplace_back();
  step.state = frame.state;
  step.item_index = frame.item_index;
  step.started_ms = frame.entered_ms;
  if (is_shown(frame.state)) observer_.state_started(step);
  return states_.size() - 1;
}

void Execution::close_step(Frame& frame, StepStatus status, std::int64_t ended_ms) {
  StateRun& step = states_[frame.step];
  step.status = status;
  step.ended_ms = ended_ms;
  if (is_shown(frame.state)) observer_.state_finished(step);
}

void Execution::push_event(std::string_view type, const Frame* frame, std::string detail,
                           int attempt) {
  HistoryEvent event;
  event.at_ms = now_epoch_ms();
  event.type = type;
  if (frame) {
    event.state = frame->state->name;  // the machine outlives the recorder
    event.state_is_plain = frame->state->facts.plain_name;
    event.frame = frame->key;
  }
  event.attempt = attempt;
  event.detail = std::move(detail);
  recorder_.event(std::move(event));
}

// The events of every state (entered, exited): the recorder takes the input or output text
// as it is, with no detail string joined for it.
void Execution::push_wrapped_event(std::string_view type, const Frame& frame, std::int64_t at_ms,
                                   std::string_view head, std::string_view body) {
  HistoryEvent event;
  event.at_ms = at_ms;
  event.type = type;
  event.state = frame.state->name;
  event.state_is_plain = frame.state->facts.plain_name;
  event.frame = frame.key;
  recorder_.wrapped_event(event, head, body);
}

void Execution::wait_for_events(bool poll_only) {
  if (recheck_tokens_ && !finished_) {
    recheck_tokens_ = false;
    read_token_answers();
    if ((!ready_.empty() && !poll_only) || finished_) return;
  }
  if (!poll_only) observer_.before_wait();
  std::int64_t timeout_ns = poll_only ? 0 : -1;
  if (!timers_.empty() && !poll_only)
    timeout_ns = std::max<std::int64_t>(0, timers_.top().due_ns - monotonic_ns());
  std::int64_t flush_ms = recorder_.flush();
  if (flush_ms >= 0 && (timeout_ns < 0 || flush_ms * 1000000 < timeout_ns)) {
    timeout_ns = flush_ms * 1000000;
  }
  pollfds_.clear();
  const bool watching = token_watch_.is_active();  // then its descriptor is pollfds_[0]
  if (watching) pollfds_.push_back(pollfd{token_watch_.fd(), POLLIN, 0});
  const std::size_t builtin_fds = pollfds_.size();
  if (builtins_) {
    std::int64_t builtin_ns = add_builtin_pollfds();
    if (builtin_ns >= 0 && (timeout_ns < 0 || builtin_ns < timeout_ns)) timeout_ns = builtin_ns;
  }
  loop_.wait(pollfds_, timeout_ns, wake_);
  if (wake_.child_exited) reap_children();
  if (builtins_) process_builtins(builtin_fds);
  if (watching && (pollfds_[0].revents & POLLIN)) {
    token_watch_.clear();
    read_token_answers();
  }
  for (int signal : wake_.stop_signals) {
    if (finished_) {
      for (TaskProcess& process : processes_) signal_group(process.pid, SIGKILL);
      continue;
    }
    observer_.execution_stopping(signal);
    run_.stop_signal = signal;
    stop_execution(RunStatus::Cancelled, "", "");
  }
  fire_timers();
}

void Execution::fire_timers() {
  std::int64_t now = monotonic_ns();
  while (!timers_.empty() && timers_.top().due_ns <= now) {
    Timer timer = timers_.top();
    timers_.pop();
    if (timer.kind == TimerKind::RunTimeout) {
      if (!finished_) {
        stop_execution(RunStatus::TimedOut, "States.Timeout",
                       fmt::format("the execution timed out after {} seconds (TimeoutSeconds)",
                                   *machine_.timeout_seconds));
      }
      continue;
    }
    if (timer.kind == TimerKind::KillGrace) {
      for (const TaskProcess& process : processes_) {
        if (process.pid == timer.pid) signal_group(process.pid, SIGKILL);
      }
      continue;
    }
    if (finished_ || frames_[timer.frame].generation != timer.generation) continue;
    Frame& frame = frames_[timer.frame];
    switch (timer.kind) {
      case TimerKind::Wait:
        exit_state(timer.frame, std::move(frame.output));
        if (frames_[timer.frame].status == FrameStatus::Ready) ready_.push_back(timer.frame);
        break;
      case TimerKind::Retry:
        frame.status = FrameStatus::Ready;
        ready_.push_back(timer.frame);
        break;
      case TimerKind::TaskTimeout:
      case TimerKind::Heartbeat:
        task_timer_fired(timer.frame, timer.kind == TimerKind::Heartbeat);
        break;
      default:
        break;
    }
  }
}

// Stops everything still running; the run ends as `status` (cancelled or timed out).
void Execution::stop_execution(RunStatus status, std::string error, std::string cause) {
  abort_frame(0);
  run_.status = status;
  run_.ended_ms = now_epoch_ms();
  run_.output = nullptr;
  if (status == RunStatus::TimedOut) {
    run_.error = error;
    run_.cause = cause;
    push_event("ExecutionTimedOut", nullptr, error_detail(error, cause));
  } else {
    push_event("ExecutionAborted", nullptr,
               fmt::format("{{\"cause\":\"stopped by {}\"}}", signal_name(run_.stop_signal)));
  }
  finished_ = true;
}

// Nothing may outlive the run: stop what still runs and wait for it (SIGKILL after grace).
void Execution::finish_run() {
  for (TaskProcess& process : processes_) {
    if (!process.terminated) terminate(process);
  }
  cancel_builtin_calls();
  while (!processes_.empty()) wait_for_events();
  if (run_.ended_ms == 0 && run_.status != RunStatus::Waiting) run_.ended_ms = now_epoch_ms();
  recorder_.execution_finished(run_, states_);
}

ExecutionResult run_state_machine(const StateMachine& machine, const json& input, RunState run,
                                  const ExecutionOptions& options, const RunFolder& folder,
                                  ExecutionRecorder& recorder, ExecutionObserver& observer) {
  Execution execution(machine, std::move(run), options, folder, recorder, observer);
  return execution.run(input);
}

}  // namespace flowrun::asl

namespace flowrun::asl {
namespace {

void collect_unbound(const StateMachine& machine, const Bindings* bindings,
                     const MockTestCase* mocks, std::vector<UnboundTask>& out) {
  for (const State& state : machine.states) {
    if (state.type == StateType::Task && !(mocks && mocks->mocks(state.name)) &&
        !(bindings && bindings->find(state.resource))) {
      out.push_back(UnboundTask{&state, state.resource});
    }
    if (state.type == StateType::Map && state.definition.contains("ItemReader")) {
      std::string reader = item_reader_resource(state.definition);
      if (!(bindings && bindings->find(reader))) out.push_back(UnboundTask{&state, reader, true});
    }
    for (const StateMachine& branch : state.branches) collect_unbound(branch, bindings, mocks, out);
    if (state.iterator) collect_unbound(*state.iterator, bindings, mocks, out);
  }
}

}  // namespace

std::vector<UnboundTask> find_unbound_tasks(const StateMachine& machine, const Bindings* bindings,
                                            const MockTestCase* mocks) {
  std::vector<UnboundTask> out;
  collect_unbound(machine, bindings, mocks, out);
  return out;
}

}  // namespace flowrun::asl
