#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/engine/engine.hpp"
#include "core/model/workflow.hpp"
#include "core/store/run_store.hpp"

// The child runs of a run's `type: workflow` steps, as its history notes them: what `resume`
// reaches again and what `status` shows a waiting step waiting on.

namespace flowrun::cli {

/// The child run the last attempt of each `type: workflow` unit of `run` started (unit label
/// -> run id), from its SubWorkflowStarted events; empty when the workflow has no such step.
std::unordered_map<std::string, std::string> started_child_runs(RunStore& store, const RunRow& run,
                                                                const Workflow& workflow);

/// What a resume of `run` does with each of those child runs: resume it, take the output of
/// one that succeeded, or start anew when it is gone. The steps `forced` marks (`--from`
/// and what is downstream of it; parallel to `workflow.steps`, empty for none) start new
/// child runs.
std::unordered_map<std::string, ChildRunLink> child_run_links(
    RunStore& store, const RunRow& run, const Workflow& workflow,
    const std::vector<std::uint8_t>& forced);

/// Records as cancelled (with `cause`) each child run of `run` that still waits for an
/// approval, and the waiting child runs of those; returns how many were cancelled.
int cancel_waiting_children(RunStore& store, const RunRow& run, const Workflow& workflow,
                            const std::string& cause);

/// Records `run`, which waits (no process owns it), cancelled with `cause`, and its waiting
/// child runs with it; returns how many child runs were cancelled.
int cancel_waiting_run(RunStore& store, const RunRow& run, const std::string& cause);

/// After a run of `workflow` ended `status`: unless it ended waiting, no child run may go on
/// waiting for it (its parent was stopped by a signal, timed out or failed meanwhile), so
/// those are recorded cancelled.
void settle_child_runs(RunStore& store, const std::string& run_id, const Workflow& workflow,
                       RunStatus status);

}  // namespace flowrun::cli
