#include <fmt/format.h>

#include <cmath>

#include "core/asl/data_flow.hpp"
#include "core/asl/execution.hpp"
#include "core/asl/jsonata_state.hpp"
#include "core/asl/timestamp.hpp"
#include "core/asl/variables.hpp"

// States with `QueryLanguage: JSONata`: Arguments and Output instead of the JSONPath chain,
// `{% %}` expressions in their fields, `$states` and the variables as the expressions'
// environment, and States.QueryEvaluationError for what does not evaluate.

namespace flowrun::asl {
namespace {

using nlohmann::json;

// The service's payload quota, the most MaxInputBytesPerBatch may ask for.
constexpr std::int64_t kMaxBatchBytes = 256 * 1024;

std::string describe(const json& value) { return dump(value); }

// A field that must give a whole number of at least `minimum` (Wait Seconds, a Task's
// TimeoutSeconds, a Map's MaxConcurrency ...).
std::int64_t whole_number(const json& value, std::int64_t minimum, std::string_view field,
                          const std::string& state) {
  if (!value.is_number() || std::floor(value.get<double>()) != value.get<double>() ||
      value.get<double>() < static_cast<double>(minimum) || value.get<double>() > 9.2e18) {
    throw_query_error(fmt::format("{} of state '{}' must be {} integer, got {}", field, state,
                                  minimum > 0 ? "a positive" : "a non-negative", describe(value)));
  }
  return value.get<std::int64_t>();
}

// ItemBatcher (its fields already evaluated): the selected items grouped into
// `{"Items": [...], "BatchInput": ...}` within MaxItemsPerBatch and MaxInputBytesPerBatch
// (the compact JSON of a batch), as for JSONPath Map states.
std::vector<json> make_batches(std::vector<json> items, const json& batcher,
                               const std::string& state) {
  if (!batcher.is_object())
    throw_query_error("ItemBatcher of state '" + state + "' must be an object");
  auto limit = [&](const char* field) -> std::int64_t {
    auto found = batcher.find(field);
    return found == batcher.end() ? 0 : whole_number(*found, 1, field, state);
  };
  const std::int64_t max_items = limit("MaxItemsPerBatch");
  const std::int64_t max_bytes = limit("MaxInputBytesPerBatch");
  if (max_bytes > kMaxBatchBytes) {
    throw_query_error(fmt::format("MaxInputBytesPerBatch of state '{}' is {}, more than {}", state,
                                  max_bytes, kMaxBatchBytes));
  }
  json empty = {{"Items", json::array()}};
  if (auto input = batcher.find("BatchInput"); input != batcher.end()) empty["BatchInput"] = *input;
  const std::size_t empty_bytes = dump(empty).size();
  std::vector<json> batches;
  json batch = empty;
  std::size_t bytes = empty_bytes;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const std::size_t item_bytes = dump(items[i]).size() + 1;
    const auto count = static_cast<std::int64_t>(batch["Items"].size());
    if ((max_items > 0 && count >= max_items) ||
        (max_bytes > 0 && count > 0 && static_cast<std::int64_t>(bytes + item_bytes) > max_bytes)) {
      batches.push_back(std::exchange(batch, empty));
      bytes = empty_bytes;
    }
    if (max_bytes > 0 && static_cast<std::int64_t>(bytes + item_bytes) > max_bytes) {
      throw AslError("States.Runtime",
                     fmt::format("item {} alone is larger than MaxInputBytesPerBatch", i));
    }
    batch["Items"].push_back(std::move(items[i]));
    bytes += item_bytes;
  }
  if (!batch["Items"].empty()) batches.push_back(std::move(batch));
  return batches;
}

// The ItemReader of a JSONata Map, its expressions evaluated: `ReaderConfig.MaxItems` must
// give a non-negative integer (stored back as one); the rest is read as for JSONPath.
json evaluated_item_reader(json reader, const std::string& state) {
  if (!reader.is_object())
    throw_query_error("ItemReader of state '" + state + "' must be an object");
  auto config = reader.find("ReaderConfig");
  if (config != reader.end() && config->is_object()) {
    if (auto max = config->find("MaxItems"); max != config->end()) {
      *max = whole_number(*max, 0, "ReaderConfig MaxItems", state);
    }
  }
  return reader;
}

}  // namespace

void Execution::run_jsonata(std::uint32_t id) {
  switch (*frames_[id].state->type) {
    case StateType::Pass:
    case StateType::Succeed:
      return run_jsonata_pass(id);
    case StateType::Choice:
      return run_jsonata_choice(id);
    case StateType::Fail:
      return run_jsonata_fail(id);
    case StateType::Wait:
      return run_jsonata_wait(id);
    case StateType::Map:
      return run_jsonata_map(id);
    case StateType::Task:
      return run_task(id);
    case StateType::Parallel:
      return run_parallel(id);
  }
}

// Pass and Succeed: the output is `Output`, else the input (developer guide).
void Execution::run_jsonata_pass(std::uint32_t id) {
  Frame& frame = frames_[id];
  prepare_context(frame);
  const JsonataState& compiled = *frame.state->jsonata;
  StatesEnvironment environment(frame.input, context_, frame.variables);
  json output = evaluate_jsonata_field(compiled.fields, "Output", environment, frame.input,
                                       frame.state->name, frame.input);
  assign_jsonata(frame, compiled.fields, environment);
  exit_state(id, std::move(output));
}

// Rules are tried in order; each `Condition` must give a boolean. The matched rule's Output
// and Assign are used (its Output falls back on the state's), the state's when the Default
// is taken.
void Execution::run_jsonata_choice(std::uint32_t id) {
  Frame& frame = frames_[id];
  prepare_context(frame);
  const JsonataState& compiled = *frame.state->jsonata;
  const json& definition = frame.state->definition;
  const std::string& name = frame.state->name;
  StatesEnvironment environment(frame.input, context_, frame.variables);
  const JsonataFields* chosen = nullptr;
  std::string next;
  for (std::size_t i = 0; i < compiled.rules.size() && !chosen; ++i) {
    const JsonataFields& rule = compiled.rules[i];
    json condition =
        evaluate_jsonata_field(rule, "Condition", environment, frame.input, name, json());
    if (!condition.is_boolean()) {
      throw_query_error(
          fmt::format("the Condition of Choice rule {} of state '{}' must give a "
                      "boolean, got {}",
                      i + 1, name, describe(condition)));
    }
    if (!condition.get<bool>()) continue;
    chosen = &rule;
    next = definition["Choices"][i].value("Next", "");
  }
  if (!chosen) {
    auto fallback = definition.find("Default");
    if (fallback == definition.end() || !fallback->is_string()) {
      throw AslError("States.NoChoiceMatched",
                     "no Choice rule matched the input and the state has no Default");
    }
    next = fallback->get<std::string>();
  }
  const State* target = frame.machine->find(next);
  if (!target) throw AslError("States.Runtime", "Choice state names no state: '" + next + "'");
  const JsonataFields& output_fields = chosen && chosen->find("Output") ? *chosen : compiled.fields;
  json output =
      evaluate_jsonata_field(output_fields, "Output", environment, frame.input, name, frame.input);
  assign_jsonata(frame, chosen ? *chosen : compiled.fields, environment);
  exit_state(id, std::move(output), target);
}

// Error and Cause are strings or expressions that give a string.
void Execution::run_jsonata_fail(std::uint32_t id) {
  Frame& frame = frames_[id];
  prepare_context(frame);
  const JsonataState& compiled = *frame.state->jsonata;
  StatesEnvironment environment(frame.input, context_, frame.variables);
  auto read = [&](const char* field) -> std::string {
    json value = evaluate_jsonata_field(compiled.fields, field, environment, frame.input,
                                        frame.state->name, "");
    if (!value.is_string()) {
      throw_query_error(fmt::format("{} of Fail state '{}' must be a string, got {}", field,
                                    frame.state->name, describe(value)));
    }
    return value.get<std::string>();
  };
  fail_frame_at_state(id, read("Error"), read("Cause"));
}

// Seconds (a non-negative integer) or Timestamp (RFC 3339), literal or an expression.
void Execution::run_jsonata_wait(std::uint32_t id) {
  Frame& frame = frames_[id];
  prepare_context(frame);
  const JsonataState& compiled = *frame.state->jsonata;
  const std::string& name = frame.state->name;
  StatesEnvironment environment(frame.input, context_, frame.variables);
  const std::int64_t now_ms = now_epoch_ms();
  const std::int64_t from_ms = frame.wait_from_ms ? std::exchange(frame.wait_from_ms, 0) : now_ms;
  std::int64_t due_ms = from_ms;
  if (compiled.fields.find("Seconds")) {
    json seconds =
        evaluate_jsonata_field(compiled.fields, "Seconds", environment, frame.input, name, 0);
    due_ms =
        from_ms + std::min(whole_number(seconds, 0, "Seconds", name), kMaxDelayMs / 1000) * 1000;
  } else if (compiled.fields.find("Timestamp")) {
    json stamp =
        evaluate_jsonata_field(compiled.fields, "Timestamp", environment, frame.input, name, "");
    std::optional<Timestamp> date;
    if (stamp.is_string()) date = parse_timestamp(stamp.get<std::string>());
    if (!date) {
      throw_query_error(
          fmt::format("Timestamp of Wait state '{}' must be an RFC 3339 "
                      "timestamp, got {}",
                      name, describe(stamp)));
    }
    due_ms = date->seconds * 1000 + date->nanos / 1000000;
  }
  json output = evaluate_jsonata_field(compiled.fields, "Output", environment, frame.input, name,
                                       frame.input);
  assign_jsonata(frame, compiled.fields, environment);
  wait_until(id, std::move(output), due_ms, now_ms);
}

// Items (default: the input) must be an array; with an ItemReader the items are what its
// action prints (execution_item_reader.cpp), read per its evaluated ReaderConfig.
void Execution::run_jsonata_map(std::uint32_t id) {
  Frame& frame = frames_[id];
  prepare_context(frame);
  const JsonataState& compiled = *frame.state->jsonata;
  const std::string& name = frame.state->name;
  StatesEnvironment environment(frame.input, context_, frame.variables);
  if (const JsonataValue* reader = compiled.fields.find("ItemReader")) {
    json evaluated =
        evaluated_item_reader(reader->evaluate(frame.input, environment, name, "ItemReader"), name);
    json request = evaluated.contains("Arguments") ? evaluated["Arguments"] : json::object();
    return begin_item_read(id, frame.input, std::move(evaluated), request);
  }
  json items =
      evaluate_jsonata_field(compiled.fields, "Items", environment, frame.input, name, frame.input);
  if (!items.is_array()) {
    throw_query_error(
        fmt::format("the Items of Map state '{}' must be an array, got {}", name, describe(items)));
  }
  start_jsonata_map_items(id, std::move(items));
}

// ItemSelector shapes each item with `$states.context.Map.Item`, ItemBatcher groups them, and
// the iterations start.
void Execution::start_jsonata_map_items(std::uint32_t id, json items) {
  Frame& frame = frames_[id];
  const JsonataState& compiled = *frame.state->jsonata;
  const std::string& name = frame.state->name;
  StatesEnvironment environment(frame.input, context_, frame.variables);
  auto fanout = std::make_unique<Fanout>();
  fanout->is_map = true;
  fanout->inputs.reserve(items.size());
  const JsonataValue* selector = compiled.fields.find("ItemSelector");
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (!selector) {
      fanout->inputs.push_back(std::move(items[i]));
      continue;
    }
    context_["Map"] = {{"Item", {{"Index", i}, {"Value", items[i]}}}};
    StatesEnvironment item_environment(frame.input, context_, frame.variables);
    fanout->inputs.push_back(
        selector->evaluate(frame.input, item_environment, name, "ItemSelector"));
  }
  context_.erase("Map");
  if (const JsonataValue* batcher = compiled.fields.find("ItemBatcher")) {
    fanout->inputs =
        make_batches(std::move(fanout->inputs),
                     batcher->evaluate(frame.input, environment, name, "ItemBatcher"), name);
  }
  auto number = [&](const char* field) -> std::optional<double> {
    if (!compiled.fields.find(field)) return std::nullopt;
    json value = evaluate_jsonata_field(compiled.fields, field, environment, frame.input, name, 0);
    if (std::string_view(field) != "ToleratedFailurePercentage") {
      return static_cast<double>(whole_number(value, 0, field, name));
    }
    if (!value.is_number() || value.get<double>() < 0 || value.get<double>() > 100) {
      throw_query_error(
          fmt::format("ToleratedFailurePercentage of Map state '{}' must be a "
                      "number from 0 to 100, got {}",
                      name, describe(value)));
    }
    return value.get<double>();
  };
  std::optional<double> limit = number("MaxConcurrency");
  std::optional<double> count = number("ToleratedFailureCount");
  std::optional<double> percentage = number("ToleratedFailurePercentage");
  launch_map(id, std::move(fanout), limit, count, percentage);
}

// Stores what the Assign of `fields` sets in the frame's scope, and for its history event.
void Execution::assign_jsonata(Frame& frame, const JsonataFields& fields,
                               const StatesEnvironment& environment) {
  json values = evaluate_jsonata_assign(fields, environment, frame.input, frame.state->name);
  store_variables(values, frame.variables);
  store_variables(values, frame.assigned);
}

// Task and Parallel: `Arguments` (default: the input) is the action's input or the branches'.
json Execution::jsonata_arguments(Frame& frame) {
  StatesEnvironment environment(frame.input, context_, frame.variables);
  return evaluate_jsonata_field(frame.state->jsonata->fields, "Arguments", environment, frame.input,
                                frame.state->name, frame.input);
}

// Task, Parallel and Map: `Output` with `$states.result` (default: the result), and Assign.
json Execution::complete_jsonata(Frame& frame, const json& result) {
  const JsonataState& compiled = *frame.state->jsonata;
  StatesEnvironment environment(frame.input, context_, frame.variables);
  environment.set_result(&result);
  json output = evaluate_jsonata_field(compiled.fields, "Output", environment, frame.input,
                                       frame.state->name, result);
  assign_jsonata(frame, compiled.fields, environment);
  return output;
}

// A catcher's `Output` with `$states.errorOutput` (default: the error output), and its Assign.
json Execution::catch_jsonata(Frame& frame, std::size_t catcher, const json& error_output) {
  const JsonataState& compiled = *frame.state->jsonata;
  StatesEnvironment environment(frame.input, context_, frame.variables);
  environment.set_error_output(&error_output);
  if (catcher >= compiled.catchers.size()) return error_output;
  const JsonataFields& fields = compiled.catchers[catcher];
  json output = evaluate_jsonata_field(fields, "Output", environment, frame.input,
                                       frame.state->name, error_output);
  assign_jsonata(frame, fields, environment);
  return output;
}

// TimeoutSeconds / HeartbeatSeconds of a JSONata Task: a positive integer or an expression
// giving one; 0 when absent.
std::int64_t Execution::jsonata_task_seconds(const Frame& frame, const char* field) {
  const JsonataState& compiled = *frame.state->jsonata;
  if (!compiled.fields.find(field)) return 0;
  StatesEnvironment environment(frame.input, context_, frame.variables);
  json value = evaluate_jsonata_field(compiled.fields, field, environment, frame.input,
                                      frame.state->name, 0);
  return std::min(whole_number(value, 1, field, frame.state->name), kMaxDelayMs / 1000);
}

}  // namespace flowrun::asl
