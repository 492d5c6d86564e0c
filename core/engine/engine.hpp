#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/engine/run_events.hpp"
#include "core/engine/run_folder.hpp"
#include "core/engine/run_state.hpp"
#include "core/model/workflow.hpp"
#include "core/util/duration.hpp"

namespace flowrun {

/// The child run an earlier attempt of a `type: workflow` step started, as the history has it.
struct ChildRunLink {
  enum class State : std::uint8_t {
    Resumable,  ///< failed, cancelled, waiting, interrupted: `flowrun resume` continues it
    Succeeded,  ///< its summary gives the step's outputs; nothing runs again
    Gone        ///< no longer in the history (pruned, or it never started): a new child run
  };
  std::string run_id;
  State state = State::Resumable;
};

/// How to run a workflow; the CLI fills it from its options and environment.
struct RunOptions {
  int jobs = 0;                          ///< processes at once; 0 = the number of CPUs
  bool stream = false;                   ///< also pass step output live to RunObserver::step_output
  std::vector<std::string> environment;  ///< the parent environment, `NAME=value`
  nlohmann::json params = nlohmann::json::object();
  Duration kill_grace{5000};  ///< SIGTERM -> SIGKILL, unless the step/defaults set one
  std::uint64_t seed = 0;     ///< for retry jitter; 0 = random
  /// Reads the run's properties (`flowrun props`) as a JSON object of strings, for
  /// `run.props` and the summary; empty = the run has none (no history).
  std::function<nlohmann::json()> read_props;
  /// The values of the workflow's `secrets:` (name -> value), for `${{ secrets.NAME }}`.
  /// They, and secret params, are hidden as *** in logs, outputs, causes and the summary.
  nlohmann::json secrets = nlohmann::json::object();
  /// The argv that runs a workflow file as a child run with this run's history settings,
  /// e.g. `{"/usr/bin/flowrun", "run", "--state-dir", DIR}`: a `type: workflow` step appends
  /// the file, `--json`, `--run-id ID`, `--parent-run ID` and `--input PARAMS`. To reach an
  /// earlier child run (see child_runs) its second word becomes `resume` or `status`.
  /// Empty: such steps fail.
  std::vector<std::string> subworkflow_command;
  /// A resume: the child run that the last attempt of each `type: workflow` unit started
  /// (unit label -> link), so that the unit's first attempt reaches it instead of starting
  /// a new child run.
  std::unordered_map<std::string, ChildRunLink> child_runs;
  /// When nothing else can run and an approval waits, stop the run as `waiting` (exit 3)
  /// rather than wait; a resume continues it once the approval is answered. Child runs get
  /// it too: one that stops waiting leaves its step waiting.
  bool no_wait = false;
};

/// Runs the main graph of `workflow` to its end in one event loop on this thread and returns
/// the final state. Every change goes to `recorder`, display events to `observer`. Step and
/// run outcomes are data; throws flowrun::Error only when the environment fails (signals,
/// the run folder, the recorder). SIGINT/SIGTERM are handled (not delivered) while it runs.
RunState run_workflow(const Workflow& workflow, const RunOptions& options, const RunFolder& folder,
                      RunRecorder& recorder, RunObserver& observer);

/// Continues a run from `previous`, a state prepared by prepare_redrive (redrive.hpp): its
/// final steps are kept as they are (not run, not recorded again) and tell their dependents;
/// the others run. The run keeps the id of `folder` and the start time of `previous` (0: now).
RunState resume_workflow(const Workflow& workflow, const RunOptions& options,
                         const RunFolder& folder, RunState previous, RunRecorder& recorder,
                         RunObserver& observer);

/// The detail of the `SubWorkflowStarted` event of a `type: workflow` attempt: `child run ID`,
/// then `how` (e.g. "(resumed)") when not empty.
std::string child_run_note(std::string_view run_id, std::string_view how);
/// The child run id such a detail names, or "" when it names none.
std::string child_run_in_note(std::string_view detail);

/// Why a step cannot run in this build (a feature of a later issue), or "" when it can.
std::string unsupported_cause(const Step& step);

}  // namespace flowrun
