#pragma once

#include <vector>

#include "core/asl/interpreter.hpp"
#include "core/engine/run_state.hpp"
#include "core/report/run_summary.hpp"

namespace flowrun {

/// Writes the run summary of an ASL execution (DESIGN.md's shape): `output` is the
/// execution's output, `error`/`cause` its failure, `redrive_count` how often it was
/// redriven, and `steps` every state execution in the order it started, with `type`, and
/// `item_index` inside a Map. Streams in pieces.
void write_asl_summary(const RunState& state, const asl::StateRuns& states, const TextSink& sink,
                       int redrive_count = 0);

/// The same as one string.
std::string render_asl_summary(const RunState& state, const asl::StateRuns& states,
                               int redrive_count = 0);

/// The state executions a summary lists (`steps`), for a run that continues; entries that
/// name no state of `machine` are left out.
std::vector<asl::StateRun> read_asl_steps(const asl::StateMachine& machine,
                                          const nlohmann::json& summary);

}  // namespace flowrun
