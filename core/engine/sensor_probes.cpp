// The checks of `for.command` and `for.http` waits. A command check is a process like a
// step's (the step's shell, environment and working directory; its output appended to the
// step's log) whose exit 0 means ready; an HTTP check is a GET through the built-in http
// plugin, in this loop, whose 2xx means ready. Neither blocks the loop: their ends come back
// through reap_children and process_builtins, which call probe_ended.
#include <fmt/format.h>
#include <signal.h>

#include <cstring>

#include "core/engine/scheduler.hpp"
#include "core/exec/output_file.hpp"

namespace flowrun {
namespace {

// A check that hangs must not hold the wait past its interval for long; the step's timeout
// still bounds the whole wait.
constexpr const char* kHttpCheckTimeout = "30s";

}  // namespace

void Scheduler::start_probe(std::uint32_t unit, SensorRun& run) {
  ++run.probes;
  if (run.spec.kind == SensorSpec::Kind::Http) {
    start_http_probe(unit, run);
    return;
  }
  std::string cause;
  if (!start_command_probe(unit, run, cause)) end_wait(unit, StepStatus::Failed, cause);
}

bool Scheduler::start_command_probe(std::uint32_t unit, SensorRun& run, std::string& cause) {
  const Step& definition = definition_of(unit);
  Command command;
  bool built = false;
  if (run.spec.command.is_array()) {
    std::vector<std::string> argv;
    for (const auto& item : run.spec.command) argv.push_back(item.get<std::string>());
    built = commands_.build_cmd(definition, argv, command, cause);
  } else {
    built = commands_.build_run(definition, run.spec.command.get<std::string>(), command, cause);
  }
  if (!built) {
    cause = "wait: for.command: " + cause;
    return false;
  }
  folder_.attempt_log_path(label_of(unit), 1, log_path_);
  argv_.clear();
  for (std::string& arg : command.argv) argv_.push_back(arg.data());
  argv_.push_back(nullptr);
  folder_.attempt_output_path(label_of(unit), 1, output_path_);
  set_attempt_env(unit, run.probes);
  SpawnRequest request;
  request.program = command.program.c_str();
  request.argv = argv_.data();
  request.envp = environment_.build(definition.env, extra_env_);
  request.cwd = working_dir_for(definition.extra().working_dir);
  request.log_path = log_path_.c_str();
  SpawnResult started = spawner_.spawn(request);
  if (started.error != 0) {
    cause = "wait: cannot start '" + command.argv[0] + "': " + std::strerror(started.error);
    return false;
  }
  run.probe_pid = started.pid;
  return true;
}

void Scheduler::start_http_probe(std::uint32_t unit, SensorRun& run) {
  const Step& definition = definition_of(unit);
  if (!builtins_) builtins_ = std::make_unique<BuiltinRunner>();
  PluginCall call;
  call.plugin = "http";
  call.with = {{"url", run.spec.url}, {"method", "GET"}, {"timeout", kHttpCheckTimeout}};
  call.run_id = state_.run_id;
  call.workflow = workflow_.name;
  call.step_id = label_of(unit);
  call.attempt = run.probes;
  BuiltinContext context;
  const char* cwd = working_dir_for(definition.extra().working_dir);
  context.working_dir = cwd ? cwd : ".";
  folder_.attempt_log_path(label_of(unit), 1, context.log_path);
  attempt_file_path(folder_.path(), label_of(unit), 1, ".body", context.spill_path);
  for (char* const* entry = environment_.build(definition.env, extra_env_); *entry; ++entry) {
    context.environment.emplace_back(*entry);
  }
  run.probe_http = true;
  builtins_->start(unit, call, context);
}

void Scheduler::probe_ended(std::uint32_t unit, bool ready, const std::string& detail) {
  auto found = sensors_.find(unit);
  if (found == sensors_.end()) return;
  SensorRun& run = found->second;
  run.probe_pid = -1;
  run.probe_http = false;
  folder_.attempt_log_path(label_of(unit), 1, log_path_);
  append_log_line(log_path_, fmt::format("check {}: {}", run.probes, detail));
  if (is_final(state_.record_of(unit).status)) {  // cancelled while it checked
    sensors_.erase(found);
    return;
  }
  if (ready) {
    end_wait(unit, StepStatus::Succeeded, {});
    return;
  }
  const std::int64_t now = monotonic_ns();
  if (run.deadline_ns && now >= run.deadline_ns) {
    check_sensor(unit);  // ends it as timed out (or skipped, with soft_fail)
    return;
  }
  schedule_sensor_check(unit, run, now);
}

std::optional<std::uint32_t> Scheduler::probe_of(pid_t pid) const {
  for (const auto& [unit, run] : sensors_) {
    if (run.probe_pid == pid) return unit;
  }
  return std::nullopt;
}

// Stops the check in flight, if any: the wait ended (timeout, cancel) before it did.
void Scheduler::stop_probe(SensorRun& run, std::uint32_t unit) {
  if (run.probe_pid > 0) {
    signal_group(run.probe_pid, SIGKILL);  // reaped by reap_children, which ignores it then
    run.probe_pid = -1;
  }
  if (run.probe_http) {
    if (builtins_) builtins_->cancel(unit);
    run.probe_http = false;
  }
}

void Scheduler::stop_probes() {
  for (auto& [unit, run] : sensors_) stop_probe(run, unit);
}

}  // namespace flowrun
