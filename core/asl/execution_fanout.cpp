#include <fmt/format.h>

#include <cmath>

#include "core/asl/compiled_data_flow.hpp"
#include "core/asl/data_flow.hpp"
#include "core/asl/execution.hpp"

namespace flowrun::asl {
namespace {

using nlohmann::json;

// A non-negative integer field of a Map state, or its ...Path on the state's input.
std::optional<double> number_or_path(const json& definition, const char* field,
                                     const char* path_field, const json& input,
                                     const ContextObject& context, const std::string& state) {
  json value;
  if (auto literal = definition.find(field); literal != definition.end()) {
    value = *literal;
  } else if (auto path = definition.find(path_field); path != definition.end()) {
    value = select_reference(input, path->get<std::string>(), context, "States.Runtime");
  } else {
    return std::nullopt;
  }
  if (!value.is_number() || value.get<double>() < 0) {
    throw AslError("States.Runtime", fmt::format("{} of Map state '{}' must be a non-negative "
                                                 "number, got {}",
                                                 field, state, dump(value)));
  }
  return value.get<double>();
}

// MaxConcurrency and ToleratedFailureCount are integers (ToleratedFailurePercentage may be
// any number from 0 to 100).
void require_integer(const std::optional<double>& value, const char* field,
                     const std::string& state) {
  if (value && std::floor(*value) != *value) {
    throw AslError("States.Runtime", fmt::format("{} of Map state '{}' must be an integer, got {}",
                                                 field, state, *value));
  }
}

}  // namespace

void Execution::run_parallel(std::uint32_t id) {
  Frame& frame = frames_[id];
  prepare_context(frame);
  json input = frame.state->jsonata
                   ? jsonata_arguments(frame)
                   : effective_input(frame.state->facts.data, frame.input, context_);
  if (frame.state->facts.data.parameters && parameters_too_large(id, input)) return;
  auto fanout = std::make_unique<Fanout>();
  const std::size_t count = frame.state->branches.size();
  fanout->inputs.assign(count, input);
  fanout->results = json::array();
  for (std::size_t i = 0; i < count; ++i) fanout->results.push_back(nullptr);
  fanout->resume = take_resume(frame);
  frame.fanout = std::move(fanout);
  frame.status = FrameStatus::Busy;
  ++frame.generation;
  push_event("ParallelStateStarted", &frame, "{}");
  start_children(id);
  if (frames_[id].fanout && frames_[id].fanout->finished == count) fanout_done(id);
}

void Execution::run_map(std::uint32_t id) {
  Frame& frame = frames_[id];
  prepare_context(frame);
  const json& definition = frame.state->definition;
  const DataFields& fields = frame.state->facts.data;
  // Parameters of a Map is the legacy ItemSelector (DataFields leaves it out): the state's
  // input is InputPath alone.
  json input = effective_input(fields, frame.input, context_);
  // The items come from the ItemReader's action (execution_item_reader.cpp), or the input.
  if (definition.contains("ItemReader")) return start_item_reader(id, std::move(input));
  start_map_items(id, input, map_items(definition, *fields.compiled, input, context_));
}

// The Map's items (already batched by ItemBatcher) make its iterations.
void Execution::start_map_items(std::uint32_t id, const json& input, json items) {
  Frame& frame = frames_[id];
  const json& definition = frame.state->definition;
  const std::string& name = frame.state->name;
  auto fanout = std::make_unique<Fanout>();
  fanout->is_map = true;
  fanout->inputs.reserve(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    context_["Map"] = {{"Item", {{"Index", i}, {"Value", items[i]}}}};
    fanout->inputs.push_back(
        map_item_input(definition, *frame.state->facts.data.compiled, input, context_));
  }
  context_.erase("Map");
  std::optional<double> limit =
      number_or_path(definition, "MaxConcurrency", "MaxConcurrencyPath", input, context_, name);
  require_integer(limit, "MaxConcurrency", name);
  std::optional<double> count = number_or_path(definition, "ToleratedFailureCount",
                                               "ToleratedFailureCountPath", input, context_, name);
  std::optional<double> percentage =
      number_or_path(definition, "ToleratedFailurePercentage", "ToleratedFailurePercentagePath",
                     input, context_, name);
  require_integer(count, "ToleratedFailureCount", name);
  if (percentage && *percentage > 100) {
    throw AslError("States.Runtime", "ToleratedFailurePercentage of Map state '" + name +
                                         "' must be between 0 and 100");
  }
  launch_map(id, std::move(fanout), limit, count, percentage);
}

// Starts the iterations of a Map state whose inputs are in `fanout`, at most `limit` at once.
void Execution::launch_map(std::uint32_t id, std::unique_ptr<Fanout> fanout,
                           std::optional<double> limit, std::optional<double> count,
                           std::optional<double> percentage) {
  Frame& frame = frames_[id];
  fanout->limit = limit ? static_cast<std::size_t>(*limit) : 0;
  fanout->has_tolerance = count || percentage;
  fanout->tolerated_count = count ? *count : -1;
  fanout->tolerated_percentage = percentage ? *percentage : -1;
  fanout->results = json::array();
  for (std::size_t i = 0; i < fanout->inputs.size(); ++i) fanout->results.push_back(nullptr);
  const std::size_t total = fanout->inputs.size();
  fanout->resume = take_resume(frame);
  frame.fanout = std::move(fanout);
  frame.status = FrameStatus::Busy;
  ++frame.generation;
  push_event("MapStateStarted", &frame, fmt::format("{{\"length\":{}}}", total));
  start_children(id);
  if (frames_[id].fanout && frames_[id].fanout->finished == total) fanout_done(id);
}

// Starts children while the concurrency limit allows (Parallel: all branches at once).
void Execution::start_children(std::uint32_t id) {
  for (;;) {
    Frame& frame = frames_[id];
    Fanout& fanout = *frame.fanout;
    if (fanout.failing || fanout.next >= fanout.inputs.size()) return;
    if (fanout.limit > 0 && fanout.running >= fanout.limit) return;
    const std::size_t index = fanout.next++;
    const FramePosition* recorded = nullptr;
    if (fanout.resume) {
      auto found = fanout.resume->children.find(static_cast<std::uint32_t>(index));
      if (found != fanout.resume->children.end()) recorded = &found->second;
    }
    if (recorded && recorded->succeeded) {  // a redrive keeps what succeeded
      fanout.results[index] = recorded->output;
      fanout.inputs[index] = nullptr;
      ++fanout.finished;
      continue;
    }
    const StateMachine* machine =
        fanout.is_map ? frame.state->iterator.get() : &frame.state->branches[index];
    const std::uint32_t child_id = static_cast<std::uint32_t>(frames_.size());
    Frame& child = frames_.emplace_back();
    child.machine = machine;
    child.state = machine ? machine->find(machine->start_at) : nullptr;
    child.input = std::move(fanout.inputs[index]);
    child.parent = id;
    child.slot = static_cast<std::uint32_t>(index);
    child.key = frame.key.empty() ? std::to_string(index) : frame.key + "." + std::to_string(index);
    child.item_index = fanout.is_map ? static_cast<std::int64_t>(index) : frame.item_index;
    child.item_text = frame.item_text;
    child.variables = frame.variables;
    if (fanout.is_map) {
      child.item_text = std::make_shared<const std::string>(dump(child.input));
      push_event("MapIterationStarted", &frame, fmt::format("{{\"index\":{}}}", index));
    }
    fanout.children.push_back(child_id);
    ++fanout.running;
    if (!child.state) {
      child.error = "States.Runtime";
      child.cause = "the branch's StartAt names no state";
      end_frame(child_id, FrameStatus::Failed);
      return;
    }
    if (recorded) {
      place_frame(child_id, *recorded);
    } else {
      ready_.push_back(child_id);
    }
  }
}

void Execution::child_ended(std::uint32_t child_id) {
  Frame& child = frames_[child_id];
  const std::uint32_t id = child.parent;
  Frame& frame = frames_[id];
  if (frame.status != FrameStatus::Busy || !frame.fanout) return;
  Fanout& fanout = *frame.fanout;
  if (child.status == FrameStatus::Aborted) return;
  --fanout.running;
  ++fanout.finished;
  const std::size_t slot = child.slot;
  if (child.status == FrameStatus::Succeeded) {
    fanout.results[slot] = std::move(child.output);
    if (fanout.is_map) {
      push_event("MapIterationSucceeded", &frame, fmt::format("{{\"index\":{}}}", slot));
    }
  } else {
    ++fanout.failed;
    if (fanout.is_map) {
      push_event("MapIterationFailed", &frame,
                 fmt::format("{{\"index\":{},\"error\":{},\"cause\":{}}}", slot,
                             dump(json(child.error)), dump(json(child.cause))));
    }
    const std::size_t total = fanout.inputs.size();
    bool exceeded = (fanout.tolerated_count >= 0 &&
                     static_cast<double>(fanout.failed) > fanout.tolerated_count) ||
                    (fanout.tolerated_percentage >= 0 &&
                     static_cast<double>(fanout.failed) * 100.0 >
                         fanout.tolerated_percentage * static_cast<double>(total));
    if (!fanout.has_tolerance || exceeded) {
      fanout.failing = true;
      std::string error = child.error;
      std::string cause = child.cause;
      if (fanout.has_tolerance) {
        error = "States.ExceedToleratedFailureThreshold";
        cause = fmt::format("{} of {} iterations of Map state '{}' failed, more than tolerated",
                            fanout.failed, total, frame.state->name);
      }
      for (std::uint32_t other : fanout.children) abort_frame(other);
      push_event(fanout.is_map ? "MapStateFailed" : "ParallelStateFailed", &frame,
                 error_detail(error, cause));
      frame.branch_failed = !fanout.is_map;
      frame.fanout.reset();
      fail_state(id, std::move(error), std::move(cause));
      if (frames_[id].status == FrameStatus::Ready) ready_.push_back(id);
      return;
    }
    fanout.results[slot] = error_output(child.error, child.cause);
  }
  child.output = nullptr;
  start_children(id);
  if (frames_[id].fanout && fanout.finished == fanout.inputs.size()) {
    fanout_done(id);
    if (frames_[id].status == FrameStatus::Ready) ready_.push_back(id);
  }
}

void Execution::fanout_done(std::uint32_t id) {
  Frame& frame = frames_[id];
  json results = std::move(frame.fanout->results);
  bool is_map = frame.fanout->is_map;
  frame.fanout.reset();
  push_event(is_map ? "MapStateSucceeded" : "ParallelStateSucceeded", &frame, "{}");
  complete_state(id, results);
}

// Stops a frame and everything under it: its Task process, its children, its timers.
void Execution::abort_frame(std::uint32_t id) {
  Frame& frame = frames_[id];
  if (frame.status != FrameStatus::Ready && frame.status != FrameStatus::Busy) return;
  // A frame between two states enters the next one first, so that the history records
  // where it stopped (a redrive starts it there).
  if (frame.status == FrameStatus::Ready && !frame.entered && frame.state) enter_state(frame);
  for (TaskProcess& process : processes_) {
    if (process.frame == id && !process.stopped) {
      process.stopped = true;
      terminate(process);
    }
  }
  stop_builtin_call(id, StepStatus::Cancelled);
  if (frame.fanout) {
    std::vector<std::uint32_t> children = frame.fanout->children;
    for (std::uint32_t child : children) abort_frame(child);
    frame.fanout.reset();
  }
  if (frame.entered && frame.state) {
    if (*frame.state->type == StateType::Task) {
      push_event("TaskStateAborted", &frame, "{}", frame.attempt);
    }
    close_step(frame, StepStatus::Cancelled);
  }
  if (frame.parent != kNone && frames_[frame.parent].fanout &&
      frames_[frame.parent].fanout->is_map) {
    push_event("MapIterationAborted", &frames_[frame.parent],
               fmt::format("{{\"index\":{}}}", frame.slot));
  }
  release_token(frame);
  frame.status = FrameStatus::Aborted;
  ++frame.generation;
}

}  // namespace flowrun::asl
