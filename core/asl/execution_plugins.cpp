#include <fmt/format.h>

#include <algorithm>

#include "core/asl/execution.hpp"
#include "core/exec/plugin_discovery.hpp"

// Task states bound to plugins (`uses:` + `with:` in the bindings file). An external plugin
// is a Task process whose stdin is the plugin request and whose stdout is the response; a
// built-in one (http, llm, sqlite) is a call of BuiltinRunner driven by this loop's poll.
// Either way the plugin's outputs are the Task's result, and its error name is the Task's
// error, so Retry and Catch can name it (`HttpStatus`, `PluginFailed`, a plugin's own).
namespace flowrun::asl {
namespace {

using nlohmann::json;

// The binding's `with`, with the Task's effective input laid over it when that is an object:
// Parameters sets per-state values, the binding holds the defaults.
json plugin_with(const TaskAction& action, const json& input) {
  json with = action.with;
  if (input.is_object()) {
    for (const auto& [key, value] : input.items()) with[key] = value;
  }
  return with;
}

}  // namespace

void Execution::run_plugin_task(std::uint32_t id, const TaskAction& action, const json& input,
                                std::int64_t number) {
  Frame& frame = frames_[id];
  PluginCall call;
  call.plugin = action.plugin;
  call.with = plugin_with(action, input);
  call.input = input;
  call.run_id = run_.run_id;
  call.workflow = run_.workflow;
  call.step_id = frame.state->name;
  call.attempt = frame.attempt;
  if (find_builtin_plugin(call.plugin)) return start_builtin_task(id, call, action, number);
  const PluginSearch search{env_value(options_.environment, "FLOWRUN_PLUGIN_PATH"),
                            options_.bindings->dir, env_value(options_.environment, "PATH")};
  std::optional<std::string> program = find_plugin(call.plugin, search);
  if (!program) {
    return task_failed(
        id, "States.TaskFailed",
        fmt::format("plugin '{}' of Task '{}' not found: no executable '{}' in "
                    "$FLOWRUN_PLUGIN_PATH, the bindings file's plugins/ folder "
                    "or $PATH",
                    call.plugin, frame.state->name, plugin_executable_name(call.plugin)));
  }
  spawn_task(id, action, plugin_request(call), number, {*program}, call.plugin);
}

void Execution::start_builtin_task(std::uint32_t id, const PluginCall& call,
                                   const TaskAction& action, std::int64_t number) {
  Frame& frame = frames_[id];
  const std::int64_t timeout = task_seconds(frame, "TimeoutSeconds", "TimeoutSecondsPath");
  const std::string& name = frame.state->name;
  BuiltinCall started;
  started.key = ++builtin_keys_;
  started.frame = id;
  started.generation = ++frame.generation;
  started.attempt = frame.attempt;
  BuiltinContext context;
  attempt_file_path(folder_.path(), name, static_cast<int>(number), ".log", started.log_path);
  attempt_file_path(folder_.path(), name, static_cast<int>(number), ".body", context.spill_path);
  context.log_path = started.log_path;
  context.working_dir = action.working_dir.empty() ? options_.bindings->dir
                        : action.working_dir.front() == '/'
                            ? action.working_dir
                            : options_.bindings->dir + "/" + action.working_dir;
  std::vector<std::string> extra = {"FLOWRUN_RUN_ID=" + run_.run_id,
                                    "FLOWRUN_WORKFLOW=" + run_.workflow, "FLOWRUN_STEP=" + name,
                                    "FLOWRUN_ATTEMPT=" + std::to_string(frame.attempt)};
  for (char* const* entry = environment_for(action).build({}, extra); *entry; ++entry) {
    context.environment.emplace_back(*entry);
  }
  states_[frame.step].log_path = started.log_path;
  frame.status = FrameStatus::Busy;
  push_event("TaskStarted", &frame, "{\"plugin\":" + json(call.plugin).dump() + "}", frame.attempt);
  recorder_.attempt_started(
      TaskAttempt{frame.step, name, frame.item_index, frame.attempt, 0, started.log_path});
  if (timeout > 0) {
    timers_.push(
        {monotonic_ns() + timeout * 1000000000, id, frame.generation, TimerKind::TaskTimeout, 0});
  }
  if (!builtins_) builtins_ = std::make_unique<BuiltinRunner>();
  builtin_calls_.push_back(started);
  builtins_->start(started.key, call, context);
}

// A plugin's result becomes the Task's: its outputs the result, its error the error name.
void Execution::plugin_task_ended(std::uint32_t id, const PluginResult& result) {
  if (result.ok) return task_succeeded(id, result.outputs);
  task_failed(id, result.error.empty() ? "States.TaskFailed" : result.error, result.cause);
}

std::int64_t Execution::add_builtin_pollfds() {
  builtins_->add_pollfds(pollfds_);
  return builtins_->timeout_ns();
}

void Execution::process_builtins(std::size_t first_fd) {
  std::vector<pollfd> fds(pollfds_.begin() + static_cast<std::ptrdiff_t>(first_fd), pollfds_.end());
  builtins_->process(fds);
  for (auto& [key, result] : builtins_->take_finished()) {
    auto found = std::find_if(builtin_calls_.begin(), builtin_calls_.end(),
                              [&](const BuiltinCall& call) { return call.key == key; });
    if (found == builtin_calls_.end()) continue;
    BuiltinCall call = std::move(*found);
    builtin_calls_.erase(found);
    const bool current = !finished_ && frames_[call.frame].generation == call.generation &&
                         frames_[call.frame].status == FrameStatus::Busy;
    if (!current) continue;
    const Frame& frame = frames_[call.frame];
    TaskAttempt attempt{frame.step,
                        frame.state->name,
                        frame.item_index,
                        call.attempt,
                        0,
                        call.log_path,
                        result.ok ? StepStatus::Succeeded : StepStatus::Failed,
                        result.ok ? 0 : 1};
    recorder_.attempt_finished(attempt);
    plugin_task_ended(call.frame, result);
    if (frames_[call.frame].status == FrameStatus::Ready) ready_.push_back(call.frame);
  }
}

// Abandons the built-in call of `frame` (timed out, or cancelled with its frame); true when
// there was one.
bool Execution::stop_builtin_call(std::uint32_t frame, StepStatus status) {
  auto found = std::find_if(builtin_calls_.begin(), builtin_calls_.end(),
                            [&](const BuiltinCall& call) { return call.frame == frame; });
  if (found == builtin_calls_.end()) return false;
  builtins_->cancel(found->key);
  const Frame& owner = frames_[frame];
  recorder_.attempt_finished(TaskAttempt{owner.step, owner.state->name, owner.item_index,
                                         found->attempt, 0, found->log_path, status, -1});
  builtin_calls_.erase(found);
  return true;
}

void Execution::cancel_builtin_calls() {
  while (!builtin_calls_.empty()) {
    stop_builtin_call(builtin_calls_.front().frame, StepStatus::Cancelled);
  }
}

}  // namespace flowrun::asl
