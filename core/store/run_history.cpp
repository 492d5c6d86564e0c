#include "core/store/run_history.hpp"

#include <filesystem>
#include <unordered_map>

#include "core/util/error.hpp"
#include "core/validate/load_definition.hpp"

namespace flowrun {

std::string find_definition_snapshot(const std::string& run_dir) {
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(run_dir, error)) {
    std::string name = entry.path().filename().string();
    if (name.rfind("definition.", 0) == 0 && name.find(".tmp") == std::string::npos) {
      return entry.path().string();
    }
  }
  return {};
}

Workflow load_run_workflow(const RunRow& run) {
  std::string snapshot = find_definition_snapshot(run.run_dir);
  if (snapshot.empty()) {
    throw Error("run '" + run.id + "' has no definition snapshot in '" + run.run_dir + "'");
  }
  Diagnostics diagnostics;
  std::optional<Definition> definition = load_definition(snapshot, diagnostics);
  if (!definition || diagnostics.has_errors() || !definition->workflow) {
    std::string why = "it no longer loads";
    for (const Diagnostic& item : diagnostics.items()) {
      if (item.severity == Severity::Error) {
        why = item.message;
        break;
      }
    }
    throw Error("the definition snapshot of run '" + run.id + "' (" + snapshot + "): " + why);
  }
  Workflow workflow = std::move(*definition->workflow);
  workflow.name = run.workflow;
  workflow.file = run.file;
  workflow.dir = std::filesystem::path(run.file).parent_path().string();
  return workflow;
}

RunState load_run_state(RunStore& store, const RunRow& run, const Workflow& workflow) {
  RunState state;
  state.run_id = run.id;
  state.workflow = run.workflow;
  state.file = run.file;
  state.run_dir = run.run_dir;
  state.status = effective_status(run);
  state.started_ms = run.started_ms;
  state.ended_ms = run.ended_ms;
  state.params = run.params;
  state.output = run.output;
  state.error = run.error;
  state.cause = run.cause;
  state.stop_signal = run.stop_signal;
  state.steps.resize(workflow.steps.size());
  if (state.status == RunStatus::Interrupted && !state.cause) {
    state.error = "Interrupted";
    state.cause = "the flowrun process that ran it is gone; 'flowrun resume' continues it";
  }
  for (const AttemptRow& attempt : store.attempts_of(run.key)) {
    if (attempt.index >= state.steps.size()) continue;
    StepRecord& record = state.steps[attempt.index];
    if (record.started_ms == 0) record.started_ms = attempt.started_ms;
    record.attempts = static_cast<std::uint16_t>(attempt.attempt);
    record.exit_code = attempt.exit_code;
    record.has_log = true;
    record.status = attempt.status == "cancelled" ? StepStatus::Cancelled : StepStatus::Running;
  }
  for (StepRow& row : store.steps_of(run.key)) {
    if (row.index >= state.steps.size()) continue;
    state.steps[row.index] = row.record;
    if (!row.details.outputs.empty() || !row.details.cause.empty()) {
      state.details_of(row.index) = std::move(row.details);
    }
  }
  return state;
}

}  // namespace flowrun
