// `type: workflow` steps: another workflow file run as a child run of its own, by a child
// flowrun process (RunOptions::subworkflow_command) in the step's slot. Being a process, it
// gets the step's process group, timeout, retries and cancel for free: SIGTERM reaches the
// child flowrun, which cancels its own steps. The child is recorded in the same history,
// linked by `--parent-run`, under an id the parent chooses (`--run-id`) and notes at once
// (SubWorkflowStarted), so that a resume of the parent reaches that child run: `flowrun
// resume CHILD` reruns what did not succeed in it. Its progress lines go to the step's log;
// its `--json` summary, read from its stdout, gives the step's outputs (the child's
// `output`) and, when it did not succeed, the step's cause. With --no-wait the child gets it
// too; a child that stops waiting for an approval (exit 3) leaves the step waiting.
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

constexpr std::string_view kChildRunPrefix = "child run ";

}  // namespace

std::string child_run_note(std::string_view run_id, std::string_view how) {
  std::string note(kChildRunPrefix);
  note += run_id;
  if (!how.empty()) note.append(" ").append(how);
  return note;
}

std::string child_run_in_note(std::string_view detail) {
  if (!detail.starts_with(kChildRunPrefix)) return {};
  detail.remove_prefix(kChildRunPrefix.size());
  return std::string(detail.substr(0, detail.find(' ')));
}

// The child run an earlier attempt started, for the first attempt of a resume; nullptr
// when a new child run starts.
const ChildRunLink* Scheduler::earlier_child_run(std::uint32_t step, int attempt) {
  if (options_.child_runs.empty()) return nullptr;
  if (attempt != state_.record_of(step).attempts_before + 1) return nullptr;
  auto found = options_.child_runs.find(label_of(step));
  if (found == options_.child_runs.end()) return nullptr;
  if (found->second.state == ChildRunLink::State::Gone) {
    append_log_line(log_path_, fmt::format("child run {} is no longer in the history: a new "
                                           "child run starts",
                                           found->second.run_id));
    return nullptr;
  }
  return &found->second;
}

// The arguments that reach the child run: a new one (the file, its id, the parent, the
// params), or an earlier one, resumed or, when it had succeeded, only read.
bool Scheduler::build_child_command(std::uint32_t step, int attempt,
                                    std::vector<std::string>& command, std::string& cause) {
  command = options_.subworkflow_command;
  std::string child_id;
  if (const ChildRunLink* link = earlier_child_run(step, attempt)) {
    const bool succeeded = link->state == ChildRunLink::State::Succeeded;
    child_id = link->run_id;
    command[1] = succeeded ? "status" : "resume";
    command.insert(command.end(), {child_id, "--json"});
    if (!succeeded && options_.no_wait) command.emplace_back("--no-wait");
    append_log_line(log_path_, succeeded ? fmt::format("child run {} had succeeded: its output "
                                                       "is the step's",
                                                       child_id)
                                         : fmt::format("resuming child run {}", child_id));
    note_child_run(step, child_run_note(child_id, succeeded ? "(had succeeded)" : "(resumed)"));
    return true;
  }
  nlohmann::json params;
  ItemScope scope;
  const ItemScope* item = item_scope_of(step, scope);
  if (!expressions_.render_with(state_.step_of(step), state_, params, cause, item)) return false;
  child_id = make_run_id();
  command.insert(command.end(),
                 {child_file(workflow_, definition_of(step)), "--json", "--run-id", child_id,
                  "--parent-run", state_.run_id, "--input", params.dump()});
  if (options_.no_wait) command.emplace_back("--no-wait");
  note_child_run(step, child_run_note(child_id, {}));
  return true;
}

// Noted before the child starts, so that a resume finds it even when this flowrun dies.
void Scheduler::note_child_run(std::uint32_t step, const std::string& note) {
  recorder_.step_note(state_, step, "SubWorkflowStarted", note);
  observer_.step_note(state_, step, "SubWorkflowStarted", note);
}

void Scheduler::start_subworkflow_attempt(std::uint32_t step, int attempt) {
  const Step& definition = definition_of(step);
  if (options_.subworkflow_command.empty()) {
    fail_to_start(step, "'type: workflow' needs a flowrun binary to run the child workflow");
    return;
  }
  std::string cause;
  std::vector<std::string> command;
  if (!build_child_command(step, attempt, command, cause)) {
    fail_to_start(step, cause);
    return;
  }
  std::vector<char*> argv;
  for (std::string& arg : command) argv.push_back(arg.data());
  argv.push_back(nullptr);
  set_attempt_env(step, attempt);
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
  if (summary.value("status", "") == "waiting") {
    // It stopped for an approval (--no-wait): the step waits with it, and a resume of this
    // run resumes it.
    status = StepStatus::Waiting;
    if (summary["cause"].is_string()) detail += ": " + summary["cause"].get<std::string>();
    append_log_line(log_path_, detail);
    cause = std::move(detail);
    return read;
  }
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

// The step waits with its child run; `detail` says which and for what.
void Scheduler::child_run_waits(std::uint32_t step, std::string detail) {
  if (stop_reason_ != StopReason::None) {  // the run stops: nothing will wait with it
    finish(step, StepStatus::Cancelled, std::string(stop_cause()) + " while " + detail);
    return;
  }
  StepRecord& record = state_.record_of(step);
  record.status = StepStatus::Waiting;
  record.ended_ms = 0;
  waiting_children_[step] = child_run_in_note(detail);
  state_.details_of(step).cause = detail;  // what `status --json` says it waits on
  recorder_.step_note(state_, step, "SubWorkflowWaiting", detail);
  observer_.step_note(state_, step, "SubWorkflowWaiting", detail);
}

}  // namespace flowrun
