#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/engine/scheduler.hpp"
#include "core/exec/plugin_protocol.hpp"

// The attempts of `uses:` steps. An external plugin is a process like any step (process
// group, timeout, retries, stderr into the attempt's log) that reads one request on stdin
// and leaves one response on stdout; a built-in one is a call of BuiltinRunner, driven by
// this loop's poll.
namespace flowrun {

bool Scheduler::plugin_call_for(std::uint32_t step, int attempt, PluginCall& call,
                                std::string& cause) {
  const Step& definition = definition_of(step);
  call.plugin = definition.extra().plugin;
  call.run_id = state_.run_id;
  call.workflow = workflow_.name;
  call.step_id = label_of(step);
  call.attempt = attempt;
  if (!expressions_.workflow_env_error().empty()) {
    cause = expressions_.workflow_env_error();
    return false;
  }
  const std::uint32_t index = state_.step_of(step);
  ItemScope scope;
  const ItemScope* item = item_scope_of(step, scope);
  if (!expressions_.render_with(index, state_, call.with, cause, item)) return false;
  if (expressions_.renders(index) && !expressions_.render(index, state_, rendered_, cause, item)) {
    return false;
  }
  return true;
}

void Scheduler::start_plugin_attempt(std::uint32_t step, int attempt) {
  PluginCall call;
  std::string cause;
  if (!plugin_call_for(step, attempt, call, cause)) {
    fail_to_start(step, cause);
    return;
  }
  if (find_builtin_plugin(call.plugin)) {
    start_builtin(step, attempt, call);
  } else {
    start_external(step, attempt, call);
  }
}

void Scheduler::start_external(std::uint32_t step, int attempt, const PluginCall& call) {
  const Step& definition = definition_of(step);
  std::optional<std::string> program = find_plugin(call.plugin, plugin_search_);
  if (!program) {
    fail_to_start(step, "plugin '" + call.plugin + "' not found: no executable '" +
                            plugin_executable_name(call.plugin) +
                            "' in $FLOWRUN_PLUGIN_PATH, the workflow's plugins/ folder or $PATH");
    return;
  }
  std::string cause;
  int request_fd = open_request_file(folder_.path(), plugin_request(call), cause);
  if (request_fd < 0) {
    fail_to_start(step, cause);
    return;
  }
  const bool rendered = expressions_.renders(state_.step_of(step));
  argv_.clear();
  argv_.push_back(program->data());
  argv_.push_back(nullptr);
  set_attempt_env(step, attempt);
  attempt_file_path(folder_.path(), label_of(step), attempt, ".stdout", stdout_path_);
  SpawnRequest request;
  request.program = program->c_str();
  request.argv = argv_.data();
  request.envp = environment_.build(rendered ? rendered_.env : definition.env, extra_env_);
  request.cwd = working_dir_for(rendered ? rendered_.working_dir : definition.extra().working_dir);
  request.log_path = log_path_.c_str();
  request.stdout_path = stdout_path_.c_str();
  request.stdin_fd = request_fd;
  Slot slot;
  slot.step = step;
  slot.attempt = attempt;
  slot.started_ns = monotonic_ns();
  SpawnResult started = spawner_.spawn(request);
  close(request_fd);
  if (started.error != 0) {
    fail_to_start(step, "cannot start plugin '" + call.plugin + "' (" + *program +
                            "): " + std::strerror(started.error));
    return;
  }
  slot.pid = started.pid;
  attempt_running(slot);
}

void Scheduler::start_builtin(std::uint32_t step, int attempt, const PluginCall& call) {
  const Step& definition = definition_of(step);
  if (!builtins_) builtins_ = std::make_unique<BuiltinRunner>();
  const bool rendered = expressions_.renders(state_.step_of(step));
  BuiltinContext context;
  const char* cwd =
      working_dir_for(rendered ? rendered_.working_dir : definition.extra().working_dir);
  context.working_dir = cwd ? cwd : ".";
  context.log_path = log_path_;
  attempt_file_path(folder_.path(), label_of(step), attempt, ".body", context.spill_path);
  set_attempt_env(step, attempt);
  for (char* const* entry =
           environment_.build(rendered ? rendered_.env : definition.env, extra_env_);
       *entry; ++entry) {
    context.environment.emplace_back(*entry);
  }
  Slot slot;
  slot.step = step;
  slot.attempt = attempt;
  slot.builtin = true;
  slot.started_ns = monotonic_ns();
  attempt_running(slot);
  builtins_->start(step, call, context);
}

// The response an external plugin left on stdout; the stdout file goes once read.
PluginResult Scheduler::read_plugin_result(std::uint32_t step, int attempt, int exit_code) {
  const Step& definition = definition_of(step);
  attempt_file_path(folder_.path(), label_of(step), attempt, ".stdout", stdout_path_);
  std::string text = read_file_prefix(stdout_path_.c_str(), kMaxOutputBytes);
  unlink(stdout_path_.c_str());
  if (text.size() > kMaxOutputBytes) {
    PluginResult result;
    result.error = "PluginInvalidResponse";
    result.cause = "plugin '" + definition.extra().plugin +
                   "' returned an invalid response: more than 1 MiB on stdout";
    return result;
  }
  return read_plugin_response(definition.extra().plugin, text, exit_code);
}

void Scheduler::add_builtin_pollfds() {
  if (builtins_) builtins_->add_pollfds(pollfds_);
}

std::int64_t Scheduler::builtin_timeout_ns(std::int64_t timeout) const {
  if (!builtins_) return timeout;
  std::int64_t own = builtins_->timeout_ns();
  if (own < 0) return timeout;
  return timeout < 0 ? own : std::min(timeout, own);
}

void Scheduler::process_builtins() {
  if (!builtins_) return;
  builtins_->process(pollfds_);
  for (auto& [key, result] : builtins_->take_finished()) {
    auto found = std::find_if(slots_.begin(), slots_.end(),
                              [&](const Slot& slot) { return slot.builtin && slot.step == key; });
    if (found == slots_.end()) {
      auto sensor = sensors_.find(static_cast<std::uint32_t>(key));
      if (sensor != sensors_.end() && sensor->second.probe_http) {
        probe_ended(sensor->first, result.ok,
                    result.ok
                        ? "answered " + result.outputs.value("status", nlohmann::json()).dump()
                        : result.cause);
      }
      continue;
    }
    Slot slot = *found;
    *found = slots_.back();
    slots_.pop_back();
    end_attempt(slot, {result.ok ? 0 : 1, 0}, {}, &result);
  }
}

// A built-in call stopped by its timeout or the run's stop: there is no process to signal,
// so it ends now, as a killed process would after its grace period.
void Scheduler::stop_builtin(std::uint32_t step, int attempt) {
  auto found = std::find_if(slots_.begin(), slots_.end(), [&](const Slot& slot) {
    return slot.builtin && slot.step == step && slot.attempt == attempt;
  });
  if (found == slots_.end()) return;
  Slot slot = *found;
  *found = slots_.back();
  slots_.pop_back();
  if (builtins_) builtins_->cancel(step);
  PluginResult stopped;
  stopped.cause = slot.timed_out ? "" : "the run was stopped";
  end_attempt(slot, {-1, 0}, stopped.cause, &stopped);
}

}  // namespace flowrun
