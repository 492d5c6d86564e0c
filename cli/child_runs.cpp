#include "cli/child_runs.hpp"

#include <algorithm>

#include "core/store/run_history.hpp"

namespace flowrun::cli {
namespace {

bool has_subworkflow(const Workflow& workflow) {
  return std::any_of(workflow.steps.begin(), workflow.steps.end(), [](const Step& step) {
    return step.action.kind == ActionKind::Type && step.action.type == StepType::Workflow;
  });
}

}  // namespace

std::unordered_map<std::string, std::string> started_child_runs(RunStore& store, const RunRow& run,
                                                                const Workflow& workflow) {
  std::unordered_map<std::string, std::string> children;
  if (!has_subworkflow(workflow)) return children;
  for (const EventRow& event : store.events_of(run.key)) {
    if (event.type != "SubWorkflowStarted") continue;
    std::string child = child_run_in_note(event.detail);
    if (!child.empty()) children[event.step_id] = std::move(child);
  }
  return children;
}

std::unordered_map<std::string, ChildRunLink> child_run_links(
    RunStore& store, const RunRow& run, const Workflow& workflow,
    const std::vector<std::uint8_t>& forced) {
  std::unordered_map<std::string, std::size_t> index;  // step id -> its place
  for (std::size_t i = 0; i < workflow.steps.size(); ++i) index.emplace(workflow.steps[i].id, i);
  std::unordered_map<std::string, ChildRunLink> links;
  for (auto& [label, child] : started_child_runs(store, run, workflow)) {
    // `label` is the step's id, or `id[3]` for a fan-out child.
    auto step = index.find(label.substr(0, label.find('[')));
    if (step != index.end() && !forced.empty() && forced[step->second]) continue;
    ChildRunLink link;
    link.run_id = std::move(child);
    std::optional<RunRow> found = store.find_run(link.run_id);
    if (!found) {
      link.state = ChildRunLink::State::Gone;
    } else if (effective_status(*found) == RunStatus::Succeeded) {
      link.state = ChildRunLink::State::Succeeded;
    }
    links.emplace(label, std::move(link));
  }
  return links;
}

int cancel_waiting_children(RunStore& store, const RunRow& run, const Workflow& workflow,
                            const std::string& cause) {
  int children = 0;
  for (const auto& [label, id] : started_child_runs(store, run, workflow)) {
    std::optional<RunRow> child = store.find_run(id);
    if (child && effective_status(*child) == RunStatus::Waiting) {
      children += 1 + cancel_waiting_run(store, *child, cause);
    }
  }
  return children;
}

int cancel_waiting_run(RunStore& store, const RunRow& run, const std::string& cause) {
  store.record_cancel(run, cause);
  return cancel_waiting_children(store, run, load_run_workflow(run),
                                 "cancelled with its parent run " + run.id);
}

void settle_child_runs(RunStore& store, const std::string& run_id, const Workflow& workflow,
                       RunStatus status) {
  if (status == RunStatus::Waiting || !has_subworkflow(workflow)) return;
  std::optional<RunRow> run = store.find_run(run_id);
  if (!run) return;
  cancel_waiting_children(
      store, *run, workflow,
      "cancelled: its parent run " + run_id + " " + std::string(to_string(status)));
}

}  // namespace flowrun::cli
