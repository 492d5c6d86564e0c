#include "core/engine/redrive.hpp"

#include "core/engine/dag.hpp"
#include "core/engine/engine.hpp"
#include "core/engine/handlers.hpp"
#include "core/engine/scheduler.hpp"

namespace flowrun {

// Inside a fan-out that runs again only the children that did not succeed run again ("Inside
// Map only the failed iterations rerun"); all of them when `--from` forces the step.
static void redrive_children(RunState& state, const std::vector<std::uint8_t>& forced) {
  for (auto it = state.fan_outs.begin(); it != state.fan_outs.end();) {
    const std::uint32_t step = it->first;
    if (is_kept_by_redrive(state.steps[step].status)) {
      ++it;
      continue;
    }
    if (!forced.empty() && forced[step]) {
      it = state.fan_outs.erase(it);
      continue;
    }
    const std::size_t base = state.steps.size() + it->second.first;
    for (std::uint32_t i = 0; i < it->second.count; ++i) {
      StepRecord& record = state.record_of(base + i);
      if (is_kept_by_redrive(record.status)) continue;
      StepRecord fresh;
      fresh.attempts = record.attempts;
      fresh.attempts_before = record.attempts;
      record = fresh;
      state.details.erase(static_cast<std::uint32_t>(base + i));
    }
    ++it;
  }
}

std::vector<std::uint8_t> downstream_of(const Workflow& workflow, std::size_t from) {
  Dag dag(workflow);
  std::vector<std::uint8_t> marked(workflow.steps.size(), 0);
  std::vector<std::size_t> stack{from};
  marked[from] = 1;
  while (!stack.empty()) {
    std::size_t step = stack.back();
    stack.pop_back();
    for (std::uint32_t dependent : dag.dependents(step)) {
      if (!marked[dependent]) {
        marked[dependent] = 1;
        stack.push_back(dependent);
      }
    }
  }
  return marked;
}

bool is_kept_by_redrive(StepStatus status) {
  return status == StepStatus::Succeeded || status == StepStatus::Skipped;
}

std::size_t prepare_redrive(const Workflow& workflow, RunState& state,
                            std::optional<std::size_t> from) {
  state.steps.resize(workflow.steps.size());
  std::vector<std::uint8_t> forced;
  if (from && *from < workflow.steps.size()) forced = downstream_of(workflow, *from);
  std::size_t rerun = 0;
  const std::size_t handlers = handlers_from(workflow);  // they run again as the run ends again
  for (std::size_t i = 0; i < state.steps.size(); ++i) {
    StepRecord& record = state.steps[i];
    if (is_kept_by_redrive(record.status) && (forced.empty() || !forced[i]) && i < handlers) {
      continue;
    }
    StepRecord fresh;
    fresh.attempts = record.attempts;
    fresh.attempts_before = record.attempts;
    // An approval that waited goes on waiting (or takes its answer) in the same attempt; a
    // sub-workflow step that waited with its child run resumes it in a new attempt.
    const Step& step = workflow.steps[i];
    const bool approval =
        step.action.kind == ActionKind::Type && step.action.type == StepType::Approval;
    if (record.status == StepStatus::Waiting && approval && record.attempts > 0) {
      --fresh.attempts_before;
    }
    record = fresh;
    state.details.erase(static_cast<std::uint32_t>(i));
    ++rerun;
  }
  redrive_children(state, forced);
  state.status = RunStatus::Running;
  state.ended_ms = 0;
  state.error.reset();
  state.cause.reset();
  state.stop_signal = 0;
  state.output = nlohmann::json::object();
  return rerun;
}

RunState resume_workflow(const Workflow& workflow, const RunOptions& options,
                         const RunFolder& folder, RunState previous, RunRecorder& recorder,
                         RunObserver& observer) {
  Scheduler scheduler(workflow, options, folder, recorder, observer);
  scheduler.start_from(std::move(previous));
  return scheduler.run();
}

}  // namespace flowrun
