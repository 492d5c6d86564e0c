#pragma once

#include <string>

#include "core/engine/run_state.hpp"
#include "core/model/workflow.hpp"
#include "core/store/run_store.hpp"

namespace flowrun {

/// The workflow a recorded run ran: the definition snapshot in its run folder, with the name,
/// file and folder of the original (so working directories resolve as they did). Throws
/// flowrun::Error when the snapshot is missing or no longer loads.
Workflow load_run_workflow(const RunRow& run);

/// Path of the definition snapshot in `run_dir`, or "" when there is none.
std::string find_definition_snapshot(const std::string& run_dir);

/// The state of a recorded run, parallel to `workflow.steps`: steps with a final record as
/// recorded; others `running` (or `cancelled`) from their last attempt, or `pending`. The
/// run's status is its effective status (interrupted when its owner is gone).
RunState load_run_state(RunStore& store, const RunRow& run, const Workflow& workflow);

}  // namespace flowrun
