#include "cli/cmd_resume.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>
#include <memory>

#include "cli/child_runs.hpp"
#include "cli/cmd_resume_asl.hpp"
#include "cli/cmd_run_asl.hpp"
#include "cli/history_commands.hpp"
#include "cli/history_support.hpp"
#include "cli/state_dir.hpp"
#include "cli/terminal.hpp"
#include "cli/terminal_observer.hpp"
#include "core/engine/engine.hpp"
#include "core/engine/redrive.hpp"
#include "core/engine/run_folder.hpp"
#include "core/load/secrets.hpp"
#include "core/report/run_summary.hpp"
#include "core/store/run_history.hpp"
#include "core/store/sqlite_recorder.hpp"
#include "core/util/error.hpp"
#include "core/util/text.hpp"

namespace flowrun::cli {
namespace {

constexpr int kExitUsage = 2;

std::optional<std::size_t> find_from(const Workflow& workflow, const std::string& from) {
  if (from.empty()) return std::nullopt;
  std::vector<std::string> ids;
  for (std::size_t i = 0; i < workflow.steps.size(); ++i) {
    if (workflow.steps[i].id == from) return i;
    ids.push_back(workflow.steps[i].id);
  }
  std::string message = "--from names no step of the run: '" + from + "'";
  if (auto suggestion = closest_match(from, ids))
    message += "; did you mean '" + *suggestion + "'?";
  throw Error(message);
}

// Links (or copies) the last logs of the kept steps into the new run's folder.
void carry_logs(const Workflow& workflow, const RunState& state, const RunRow& old_run,
                const RunFolder& folder) {
  std::string from;
  std::string to;
  for (std::size_t i = 0; i < workflow.steps.size(); ++i) {
    const StepRecord& record = state.steps[i];
    if (!is_final(record.status) || !record.has_log) continue;
    attempt_file_path(old_run.run_dir, workflow.steps[i].id, record.attempts, ".log", from);
    folder.attempt_log_path(workflow.steps[i].id, record.attempts, to);
    std::error_code error;
    std::filesystem::create_hard_link(from, to, error);
    if (error) std::filesystem::copy_file(from, to, error);
  }
}

// Claims the run (or a new one linked to it) for this process; returns its key and folder.
std::int64_t claim(RunStore& store, const RunRow& run, const Workflow& workflow,
                   const ResumeOptions& options, RunState& state,
                   std::optional<RunFolder>& folder) {
  if (!options.new_run) {
    if (!store.claim_redrive(run)) throw Error("run '" + run.id + "' is already being resumed");
    folder = RunFolder::open(run.id, run.run_dir);
    return run.key;
  }
  folder = RunFolder::create(store.state_dir());
  std::string snapshot = find_definition_snapshot(run.run_dir);
  std::filesystem::copy_file(
      snapshot, folder->path() + "/" + std::filesystem::path(snapshot).filename().string());
  carry_logs(workflow, state, run, *folder);
  NewRun next{folder->run_id(), run.workflow, run.file, run.definition_hash,
              folder->path(),   run.params,   run.id};
  int active = 0;
  state.run_id = folder->run_id();
  state.run_dir = folder->path();
  state.started_ms = 0;
  return store.claim_run(next, 0, active);
}

}  // namespace

int resume_run(const ResumeOptions& options) {
  std::unique_ptr<RunStore> store = open_history(options.state_dir);
  RunRow run = store->resolve_run(options.run);
  RunStatus status = effective_status(run);
  if (status != RunStatus::Running && is_asl_run(run.run_dir)) {
    return resume_asl_run(options, *store, run, status);
  }
  if (status == RunStatus::Succeeded && options.from.empty()) {
    print_error("run '" + run.id +
                "' succeeded; there is nothing to resume (--from STEP runs steps again)");
    return kExitUsage;
  }
  if (status == RunStatus::Running) {
    print_error(
        fmt::format("run '{}' is still running (flowrun process {}); 'flowrun cancel {}' "
                    "stops it",
                    run.id, run.owner.pid, run.id));
    return kExitUsage;
  }
  Workflow workflow = load_run_workflow(run);
  std::optional<std::size_t> from = find_from(workflow, options.from);
  // Secrets are never stored: a resumed run reads them again, before anything reruns.
  ResolvedSecrets secrets = resolve_secrets(workflow, current_environment());
  for (const std::string& error : secrets.errors) print_error(workflow.file + ": " + error);
  if (!secrets.errors.empty()) return kExitUsage;
  RunState state = load_run_state(*store, run, workflow);
  std::size_t rerun = prepare_redrive(workflow, state, from);
  std::optional<RunFolder> folder;
  std::int64_t key = claim(*store, run, workflow, options, state, folder);
  if (status == RunStatus::Interrupted) {
    // Only after the claim: a second resume cannot take the run and stop its new steps.
    store->append_event(run.key, "RunInterrupted", "the flowrun process that ran it is gone");
    stop_leftovers(*store, run);
  }
  write(stderr, fmt::format("flowrun: resuming run {}: {} of {} steps run again\n",
                            folder->run_id(), rerun, workflow.steps.size()));
  RunOptions run_options;
  run_options.jobs = options.jobs;
  run_options.stream = options.stream;
  run_options.environment = without_secret_sources(workflow, current_environment());
  run_options.params = run.params;
  run_options.secrets = secrets.values;
  run_options.subworkflow_command = child_run_command(store->state_dir(), false);
  run_options.no_wait = options.no_wait;
  run_options.child_runs = child_run_links(
      *store, run, workflow, from ? downstream_of(workflow, *from) : std::vector<std::uint8_t>());
  SqliteRecorder recorder(store->db(), key, workflow, *folder, !options.new_run);
  run_options.read_props = [&recorder] { return recorder.read_props(); };
  TerminalObserver observer(workflow, stderr, isatty(STDERR_FILENO) == 1);
  observer.set_answer_options(state_dir_option(options.state_dir));
  RunState result =
      resume_workflow(workflow, run_options, *folder, std::move(state), recorder, observer);
  settle_child_runs(*store, folder->run_id(), workflow, result.status);
  if (options.json) {
    write_run_summary(workflow, result, [](std::string_view piece) {
      std::fwrite(piece.data(), 1, piece.size(), stdout);
    });
    write(stdout, "\n");
  }
  return exit_code_for(result);
}

void add_resume_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<ResumeOptions>();
  CLI::App* command = app.add_subcommand(
      "resume", "Run again what did not succeed in a run (same run id; a redrive)");
  command->add_option("run", options->run, "Run id, unique id prefix, or 'last'")->required();
  command->add_option("--from", options->from, "Also run STEP and everything downstream again");
  command->add_flag("--new-run", options->new_run, "Start a new run linked to this one");
  command->add_flag("--json", options->json, "Print the run summary JSON on stdout");
  command->add_flag("--stream", options->stream, "Show step output live, prefixed [step]");
  command->add_option("-j,--jobs", options->jobs, "Steps run at once (default: CPUs)")
      ->check(CLI::Range(1, 100000));
  command->add_option("--state-dir", options->state_dir, "Where runs are recorded");
  command->add_flag("--no-wait", options->no_wait,
                    "When only approvals (ASL: task tokens) are left, stop the run as waiting "
                    "again (exit 3)");
  command->callback([options, &exit_code] { exit_code = resume_run(*options); });
}

}  // namespace flowrun::cli
