#include "core/store/run_history.hpp"

#include <algorithm>
#include <filesystem>
#include <unordered_map>

#include "core/engine/fan_out.hpp"
#include "core/engine/handlers.hpp"
#include "core/store/run_props.hpp"
#include "core/util/error.hpp"
#include "core/validate/load_definition.hpp"

namespace flowrun {
namespace {

struct ChildKey {
  std::uint32_t step = 0;
  std::uint32_t index = 0;
};

// Fan-out children are stored as step rows past the steps, named `id[k]`, and their attempts
// carry an item index; they are laid out again here, step by step, in item order.
void load_children(const Workflow& workflow, RunState& state, std::vector<StepRow>& rows,
                   const std::vector<AttemptRow>& attempts) {
  std::unordered_map<std::string_view, std::uint32_t> index;
  for (std::uint32_t i = 0; i < workflow.steps.size(); ++i) index.emplace(workflow.steps[i].id, i);
  std::vector<std::pair<ChildKey, StepRow*>> found;
  std::unordered_map<std::uint32_t, std::uint32_t> counts;
  std::vector<std::uint32_t> order;
  auto note = [&](std::uint32_t step, std::uint32_t child) {
    auto [it, inserted] = counts.emplace(step, child + 1);
    if (inserted) order.push_back(step);
    it->second = std::max(it->second, child + 1);
  };
  for (StepRow& row : rows) {
    auto split = split_child_label(row.step_id);
    if (!split) continue;
    auto step = index.find(split->first);
    if (step == index.end()) continue;
    found.push_back({{step->second, split->second}, &row});
    note(step->second, split->second);
  }
  for (const AttemptRow& attempt : attempts) {
    if (attempt.item_index >= 0 && attempt.index < workflow.steps.size()) {
      note(static_cast<std::uint32_t>(attempt.index),
           static_cast<std::uint32_t>(attempt.item_index));
    }
  }
  for (std::uint32_t step : order) {
    FanOutSpan span{static_cast<std::uint32_t>(state.children.size()), counts[step]};
    for (std::uint32_t i = 0; i < span.count; ++i) state.children.push_back({step, i, {}});
    state.fan_outs[step] = span;
  }
  const std::size_t n = state.steps.size();
  for (const AttemptRow& attempt : attempts) {
    if (attempt.item_index < 0 || attempt.index >= n) continue;
    const FanOutSpan& span = state.fan_outs[static_cast<std::uint32_t>(attempt.index)];
    StepRecord& record =
        state.children[span.first + static_cast<std::uint32_t>(attempt.item_index)].record;
    if (record.started_ms == 0) record.started_ms = attempt.started_ms;
    record.attempts = static_cast<std::uint16_t>(attempt.attempt);
    record.exit_code = attempt.exit_code;
    record.has_log = true;
    record.status = attempt.status == "cancelled" ? StepStatus::Cancelled : StepStatus::Running;
  }
  for (auto& [key, row] : found) {
    const std::size_t position = state.fan_outs[key.step].first + key.index;
    state.children[position].record = row->record;
    if (!row->details.outputs.empty() || !row->details.cause.empty()) {
      state.details_of(n + position) = std::move(row->details);
    }
  }
}

bool has_late_after(const Workflow& workflow) {
  if (workflow.late_after) return true;
  return std::any_of(workflow.steps.begin(), workflow.steps.end(),
                     [](const Step& step) { return step.extra().late_after.has_value(); });
}

// Lateness is only in the events (RunLate, StepLate); a resumed run may have noted it twice.
void load_lateness(RunStore& store, const RunRow& run, RunState& state) {
  for (const EventRow& event : store.events_of(run.key)) {
    if (event.type == "RunLate") {
      state.late = true;
    } else if (event.type == "StepLate" &&
               std::find(state.late_steps.begin(), state.late_steps.end(), event.step_id) ==
                   state.late_steps.end()) {
      state.late_steps.push_back(event.step_id);
    }
  }
}

}  // namespace

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
  // The snapshot lies in the run's folder, and the files its `type: workflow` steps name are
  // relative to the original's: the checks that follow them (workflow-not-found ...) do not
  // apply to it. The run checked them when it started.
  auto fatal = std::find_if(
      diagnostics.items().begin(), diagnostics.items().end(), [](const Diagnostic& item) {
        return item.severity == Severity::Error && !item.code.starts_with("workflow-");
      });
  if (!definition || fatal != diagnostics.items().end() || !definition->workflow) {
    std::string why = fatal != diagnostics.items().end() ? fatal->message : "it no longer loads";
    throw Error("the definition snapshot of run '" + run.id + "' (" + snapshot + "): " + why);
  }
  Workflow workflow = std::move(*definition->workflow);
  append_handlers(workflow);  // as the run had them
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
  state.props = RunProps(store.db(), run.key).list();
  state.steps.resize(workflow.steps.size());
  if (state.status == RunStatus::Interrupted && !state.cause) {
    state.error = "Interrupted";
    state.cause = "the flowrun process that ran it is gone; 'flowrun resume' continues it";
  }
  std::vector<AttemptRow> attempts = store.attempts_of(run.key);
  for (const AttemptRow& attempt : attempts) {
    if (attempt.index >= state.steps.size() || attempt.item_index >= 0) continue;
    StepRecord& record = state.steps[attempt.index];
    if (record.started_ms == 0) record.started_ms = attempt.started_ms;
    record.attempts = static_cast<std::uint16_t>(attempt.attempt);
    record.exit_code = attempt.exit_code;
    record.has_log = true;
    record.status = attempt.status == "cancelled" ? StepStatus::Cancelled : StepStatus::Running;
  }
  std::vector<StepRow> child_rows;
  for (StepRow& row : store.steps_of(run.key)) {
    if (row.index >= state.steps.size()) {
      child_rows.push_back(std::move(row));
      continue;
    }
    state.steps[row.index] = row.record;
    if (!row.details.outputs.empty() || !row.details.cause.empty()) {
      state.details_of(row.index) = std::move(row.details);
    }
  }
  load_children(workflow, state, child_rows, attempts);
  if (has_late_after(workflow)) load_lateness(store, run, state);
  return state;
}

}  // namespace flowrun
