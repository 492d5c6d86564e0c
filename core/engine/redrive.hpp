#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "core/engine/run_state.hpp"
#include "core/model/workflow.hpp"

namespace flowrun {

/// Prepares `state`, a run as it was recorded, for a redrive of `workflow` (AWS Step
/// Functions' redrive): steps that succeeded or were skipped keep their record and outputs;
/// every other step, and with `from` that step and everything downstream of it, goes back to
/// pending with fresh retry counters (its attempt numbers carry on, so no log is
/// overwritten). The run's end, status, error and output are cleared. Returns how many
/// steps will run again.
std::size_t prepare_redrive(const Workflow& workflow, RunState& state,
                            std::optional<std::size_t> from = std::nullopt);

/// `from` and every step downstream of it (1 = marked), parallel to `workflow.steps`: the
/// steps a redrive with `--from` runs again whatever they ended as.
std::vector<std::uint8_t> downstream_of(const Workflow& workflow, std::size_t from);

/// True when step `status` is kept by a redrive.
bool is_kept_by_redrive(StepStatus status);

}  // namespace flowrun
