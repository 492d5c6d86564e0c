// `type: workflow` steps: another workflow file run as a child run of its own, by a child
// flowrun process (RunOptions::subworkflow_command) in the step's slot. Being a process, it
// gets the step's process group, timeout, retries and cancel for free: SIGTERM reaches the
// child flowrun, which cancels its own steps. The child is recorded in the same history,
// linked by `--parent-run`; its progress lines go to the step's log; its `--json` summary,
// read from its stdout, gives the step's outputs (the child's `output`) and, when it did not
// succeed, the step's cause.
#include <fmt/format.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>

#include "core/engine/scheduler.hpp"
#include "core/exec/output_file.hpp"

namespace flowrun {
namespace {

std::string child_file(const Workflow& workflow, const Step& step) {
  std::filesystem::path path = step.extra().type_config.value("workflow", std::string());
  if (path.is_relative()) path = std::filesystem::path(workflow.dir) / path;
  return path.lexically_normal().string();
}

}  // namespace

void Scheduler::start_subworkflow_attempt(std::uint32_t step, int attempt) {
  const Step& definition = definition_of(step);
  if (options_.subworkflow_command.empty()) {
    fail_to_start(step, "'type: workflow' needs a flowrun binary to run the child workflow");
    return;
  }
  std::string cause;
  nlohmann::json params;
  ItemScope scope;
  const ItemScope* item = item_scope_of(step, scope);
  if (!expressions_.render_with(state_.step_of(step), state_, params, cause, item)) {
    fail_to_start(step, cause);
    return;
  }
  std::vector<std::string> command = options_.subworkflow_command;
  command.insert(command.end(), {child_file(workflow_, definition), "--json", "--parent-run",
                                 state_.run_id, "--input", params.dump()});
  std::vector<char*> argv;
  for (std::string& arg : command) argv.push_back(arg.data());
  argv.push_back(nullptr);
  extra_env_[2].assign("FLOWRUN_STEP=").append(definition.id);
  extra_env_[3].assign("FLOWRUN_ATTEMPT=").append(std::to_string(attempt));
  extra_env_[4].assign("FLOWRUN_OUTPUT=").append(output_path_);
  attempt_file_path(folder_.path(), label_of(step), attempt, ".stdout", stdout_path_);
  SpawnRequest request;
  request.program = command[0].c_str();
  request.argv = argv.data();
  request.envp = environment_.build(definition.env, extra_env_);
  request.cwd = working_dir_for(definition.extra().working_dir);
  request.log_path = log_path_.c_str();
  request.stdout_path = stdout_path_.c_str();
  Slot slot;
  slot.step = step;
  slot.attempt = attempt;
  slot.started_ns = monotonic_ns();
  SpawnResult started = spawner_.spawn(request);
  if (started.error != 0) {
    fail_to_start(
        step, "cannot start the child run (" + command[0] + "): " + std::strerror(started.error));
    return;
  }
  slot.pid = started.pid;
  attempt_running(slot);
}

OutputsRead Scheduler::take_subworkflow_result(std::uint32_t step, int attempt, StepStatus& status,
                                               std::string& cause) {
  const std::string& label = label_of(step);
  folder_.attempt_log_path(label, attempt, log_path_);
  attempt_file_path(folder_.path(), label, attempt, ".stdout", stdout_path_);
  std::string text = read_file_prefix(stdout_path_.c_str(), kMaxOutputBytes);
  unlink(stdout_path_.c_str());
  OutputsRead read;
  nlohmann::json summary = nlohmann::json::parse(text, nullptr, false);
  if (!summary.is_object()) {
    // The child stopped before it had a run (an invalid file, bad params: its log says why).
    if (status == StepStatus::Succeeded) status = StepStatus::Failed;
    if (cause.empty() && status == StepStatus::Failed) {
      cause = "the child workflow did not run (see the step's log)";
    }
    return read;
  }
  const std::string child = summary.value("run_id", std::string());
  std::string detail = fmt::format("child run {} {}", child, summary.value("status", "?"));
  recorder_.step_note(state_, step, "SubWorkflowFinished", detail);
  append_log_line(log_path_, detail);
  if (status == StepStatus::Failed && summary["cause"].is_string()) {
    cause = fmt::format("child run {} {}: {}", child, summary.value("status", "failed"),
                        summary["cause"].get<std::string>());
  }
  const nlohmann::json& output = summary["output"];
  if (status == StepStatus::Succeeded && output.is_object()) {
    for (const auto& [key, value] : output.items()) {
      read.outputs.emplace_back(key, value.is_string() ? value.get<std::string>() : value.dump());
    }
  }
  return read;
}

}  // namespace flowrun
