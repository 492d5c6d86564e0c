// A step's `on_failure` and `on_retry` hooks: a command run with the failing step's context
// (for a notification), when the step ends failed or timed out, or when a failed attempt is
// about to be retried. A hook runs beside the rest of the run, through the step's shell, in
// the step's environment and working directory, with its output appended to the log of the
// attempt that failed. It never changes the step's status; the run waits for it before it
// ends. Its start and end are events of the run's history.
#include <fmt/format.h>
#include <signal.h>

#include <algorithm>
#include <cstring>

#include "core/engine/scheduler.hpp"
#include "core/exec/output_file.hpp"
#include "core/load/param_values.hpp"

namespace flowrun {
namespace {

// A hook is a notification: one that hangs is stopped after this, or the step's timeout.
constexpr std::int64_t kDefaultHookTimeoutMs = 5 * 60 * 1000;

}  // namespace

void Scheduler::start_hook(std::uint32_t unit, const char* kind, const std::string& script,
                           StepStatus status, int exit_code, const std::string& cause,
                           std::int64_t delay_ms) {
  const Step& definition = definition_of(unit);
  const StepRecord& record = state_.record_of(unit);
  const std::string& label = label_of(unit);
  HookRun hook;
  hook.unit = unit;
  hook.kind = kind;
  folder_.attempt_log_path(label, std::max(1, static_cast<int>(record.attempts)), hook.log_path);
  auto note = [&](const char* type, const std::string& detail) {
    append_log_line(hook.log_path, detail);
    recorder_.step_note(state_, unit, type, detail);
    observer_.step_note(state_, unit, type, detail);
  };
  Command command;
  std::string problem;
  if (!commands_.build_run(definition, script, command, problem)) {
    note("StepHookFailed", fmt::format("{} hook cannot start: {}", kind, problem));
    return;
  }
  std::vector<std::string> env(extra_env_.begin(), extra_env_.end());
  env[2] = "FLOWRUN_STEP=" + label_of(unit);
  env[3] = "FLOWRUN_ATTEMPT=" + std::to_string(record.attempts);
  env[4] = "FLOWRUN_HOOK=" + std::string(kind);
  env.push_back("FLOWRUN_STEP_STATUS=" + std::string(to_string(status)));
  env.push_back("FLOWRUN_EXIT_CODE=" + std::to_string(exit_code));
  env.push_back("FLOWRUN_STEP_CAUSE=" + (mask_.empty() ? cause : hide_secrets(cause, mask_)));
  env.push_back("FLOWRUN_STEP_LOG=" + hook.log_path);
  if (std::strcmp(kind, "on_retry") == 0) {
    env.push_back("FLOWRUN_RETRY_DELAY_MS=" + std::to_string(delay_ms));
  }
  std::vector<char*> argv;
  for (std::string& arg : command.argv) argv.push_back(arg.data());
  argv.push_back(nullptr);
  SpawnRequest request;
  request.program = command.program.c_str();
  request.argv = argv.data();
  request.envp = environment_.build(definition.env, env);
  request.cwd = working_dir_for(definition.extra().working_dir);
  request.log_path = hook.log_path.c_str();
  append_log_line(hook.log_path, fmt::format("{} hook: {}", kind, script));
  SpawnResult started = spawner_.spawn(request);
  if (started.error != 0) {
    note("StepHookFailed", fmt::format("{} hook cannot start '{}': {}", kind, command.argv[0],
                                       std::strerror(started.error)));
    return;
  }
  hook.pid = started.pid;
  recorder_.step_note(state_, unit, "StepHookStarted", fmt::format("{}: {}", kind, script));
  const std::int64_t timeout_ms =
      definition.extra().timeout ? definition.extra().timeout->milliseconds : kDefaultHookTimeoutMs;
  timers_.push({monotonic_ns() + timeout_ms * 1000000, unit, started.pid, TimerKind::HookTimeout});
  hooks_.push_back(std::move(hook));
}

bool Scheduler::hook_ended(pid_t pid, ExitStatus exit) {
  auto found = std::find_if(hooks_.begin(), hooks_.end(),
                            [&](const HookRun& hook) { return hook.pid == pid; });
  if (found == hooks_.end()) return false;
  HookRun hook = std::move(*found);
  hooks_.erase(found);
  signal_group(pid, SIGKILL);  // nothing it started in the background outlives it
  std::string detail =
      hook.timed_out ? fmt::format("{} hook timed out", hook.kind)
      : exit.signal  ? fmt::format("{} hook killed by {}", hook.kind, signal_name(exit.signal))
                     : fmt::format("{} hook exited with code {}", hook.kind, exit.exit_code);
  const char* type =
      exit.exit_code == 0 && !hook.timed_out ? "StepHookSucceeded" : "StepHookFailed";
  append_log_line(hook.log_path, detail);
  recorder_.step_note(state_, hook.unit, type, detail);
  observer_.step_note(state_, hook.unit, type, detail);
  return true;
}

void Scheduler::hook_timed_out(pid_t pid) {
  for (HookRun& hook : hooks_) {
    if (hook.pid == pid && !hook.timed_out) {
      hook.timed_out = true;
      signal_group(pid, SIGKILL);
    }
  }
}

void Scheduler::stop_hooks(int signal) {
  for (const HookRun& hook : hooks_) signal_group(hook.pid, signal);
}

}  // namespace flowrun
