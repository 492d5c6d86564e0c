#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/engine/run_state.hpp"
#include "core/model/workflow.hpp"
#include "core/store/run_store.hpp"

namespace flowrun::cli {

/// Opens the run history of the state directory (`--state-dir` value or the default) for a
/// command that reads it; throws flowrun::Error when no run was ever recorded there.
std::unique_ptr<RunStore> open_history(const std::string& state_dir_option);

/// The exit status of DESIGN.md for a run that ended in `state`.
int exit_code_for(const RunState& state);

/// Stops the step process groups a dead owner of `run` left running: the recorded ones
/// (still ours only), then any group whose processes carry the run's FLOWRUN_RUN_ID.
/// Returns how many it stopped.
int stop_leftovers(RunStore& store, const RunRow& run);

/// What `--if-running` asks for when the workflow's active runs fill its slots.
enum class OverlapPolicy { Default, Allow, Skip, Wait, Fail };

/// Claims a slot for `run` under `policy` and the workflow's `max_active_runs`. Returns the
/// run's key, or 0 when the run must not start (the message is printed); `exit_code` is
/// then the code to exit with.
std::int64_t claim_run_slot(RunStore& store, const NewRun& run, const Workflow& workflow,
                            OverlapPolicy policy, int& exit_code);

/// `2026-11-24 03:00:00` in UTC, or `-` for 0.
std::string format_short_time(std::int64_t epoch_ms);

}  // namespace flowrun::cli
