// `flowrun resume RUN` of an Amazon States Language run: a run that waits for task tokens
// continues (its callback Tasks take the answers the tokens got), any other unfinished run
// is redriven as AWS Step Functions redrives an execution (core/asl/execution_position.hpp):
// same run id, definition snapshot and input; only what did not succeed runs again.
#include "cli/cmd_resume_asl.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>

#include "cli/cmd_run_asl.hpp"
#include "cli/history_support.hpp"
#include "cli/terminal.hpp"
#include "core/asl/execution_position.hpp"
#include "core/asl/task_tokens.hpp"
#include "core/report/asl_summary.hpp"
#include "core/store/asl_history.hpp"
#include "core/store/asl_recorder.hpp"
#include "core/store/run_history.hpp"
#include "core/util/error.hpp"
#include "core/validate/render_diagnostics.hpp"

namespace flowrun::cli {
namespace {

constexpr int kExitUsage = 2;

// The state machine of the run's definition snapshot.
std::optional<Definition> load_snapshot(const RunRow& run) {
  std::string snapshot = find_definition_snapshot(run.run_dir);
  if (snapshot.empty()) {
    print_error("run '" + run.id + "' has no definition snapshot in '" + run.run_dir + "'");
    return std::nullopt;
  }
  Diagnostics diagnostics;
  std::optional<Definition> definition = load_definition(snapshot, diagnostics);
  if (!definition || diagnostics.has_errors() || !definition->machine) {
    write(stderr, render_text(diagnostics, RenderOptions{use_colour(stderr)}));
    print_error("the definition snapshot of run '" + run.id + "' (" + snapshot +
                ") no longer loads");
    return std::nullopt;
  }
  return definition;
}

nlohmann::json read_json_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  return nlohmann::json::parse(file, nullptr, false);
}

// Where the run stood, from its history; the state executions its summary already lists.
asl::ExecutionPosition read_position(RunStore& store, const RunRow& run,
                                     const asl::StateMachine& machine, bool redrive) {
  std::vector<EventRow> rows = store.events_of(run.key);
  std::vector<AttemptRow> attempt_rows = store.attempts_of(run.key);
  std::vector<asl::RecordedEvent> events = recorded_events(rows);
  asl::ExecutionPosition position = asl::reconstruct_position(machine, events);
  // A summary the run completed lists its state executions exactly; a run whose flowrun was
  // killed never completed it, and its history tells them.
  nlohmann::json summary = read_json_file(run.run_dir + "/summary.json");
  if (summary.is_object() && summary.value("status", "") != to_string(RunStatus::Running)) {
    position.states = read_asl_steps(machine, summary);
  } else {
    position.states = asl::recorded_state_runs(machine, events, recorded_attempts(attempt_rows));
  }
  if (redrive) {  // what was left running or waiting was stopped
    for (asl::StateRun& step : position.states) {
      if (step.status == StepStatus::Running || step.status == StepStatus::Waiting) {
        step.status = StepStatus::Cancelled;
      }
    }
  } else {  // the Parallel and Map states around a waiting Task are entered again
    std::erase_if(position.states,
                  [](const asl::StateRun& step) { return step.status == StepStatus::Running; });
  }
  return position;
}

}  // namespace

int resume_asl_run(const ResumeOptions& options, RunStore& store, const RunRow& run,
                   RunStatus status) {
  if (!options.from.empty() || options.new_run) {
    print_error(
        fmt::format("run '{}' ran an Amazon States Language file: it is redriven as "
                    "Step Functions redrives (what did not succeed runs again); "
                    "--from and --new-run apply to native workflows",
                    run.id));
    return kExitUsage;
  }
  if (status == RunStatus::Succeeded) {
    print_error(
        fmt::format("run '{}' succeeded; a succeeded execution cannot be redriven", run.id));
    return kExitUsage;
  }
  std::optional<Definition> definition = load_snapshot(run);
  if (!definition) return kExitUsage;
  AslRunRequest request = read_asl_run_request(run.run_dir);
  request.json = options.json;
  request.state_dir = options.state_dir;
  request.no_wait = options.no_wait;
  AslActions actions;
  if (!read_asl_actions(request, run.workflow, actions)) return kExitUsage;

  const bool waiting = status == RunStatus::Waiting;
  asl::ExecutionPosition position = read_position(store, run, *definition->machine, !waiting);
  if (position.lacks_branch_positions) {
    print_error(fmt::format(
        "run '{}' cannot be {}: it was recorded by an older flowrun without branch positions "
        "and stopped inside Parallel or Map state '{}'; start it again with `flowrun run`",
        run.id, waiting ? "resumed" : "redriven", position.root.state));
    return kExitUsage;
  }
  if (!store.claim_redrive(run, !waiting)) {
    print_error("run '" + run.id + "' is already being resumed");
    return kExitUsage;
  }
  if (status == RunStatus::Interrupted) stop_leftovers(store, run);
  position.keep_tokens = waiting;
  position.redrive_count = waiting ? 0 : run.redrive_count + 1;
  // A redrive runs callback Tasks again with new tokens: the old ones are no longer valid.
  if (!waiting) asl::forget_all_tokens(run.run_dir);

  RunState state;
  state.run_id = run.id;
  state.workflow = run.workflow;
  state.file = run.file;
  state.run_dir = run.run_dir;
  state.params = nlohmann::json::object();
  state.started_ms = run.started_ms;
  const int redrive_count = waiting ? run.redrive_count : run.redrive_count + 1;
  write(stderr, waiting ? fmt::format("flowrun: resuming run {}\n", run.id)
                        : fmt::format("flowrun: redriving run {} (redrive {})\n", run.id,
                                      position.redrive_count));
  RunFolder folder = RunFolder::open(run.id, run.run_dir);
  SqliteExecutionRecorder recorder(store.db(), run.key, folder, redrive_count);
  AslExecution execution{
      *definition->machine, position.input, std::move(state), folder, recorder, request, actions};
  execution.resume = &position;
  execution.redrive_count = redrive_count;
  return execute_asl(execution);
}

}  // namespace flowrun::cli
