#include "cli/history_support.hpp"

#include <fmt/format.h>

#include <csignal>
#include <thread>

#include "cli/state_dir.hpp"
#include "cli/terminal.hpp"
#include "core/util/error.hpp"

namespace flowrun::cli {
namespace {

constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;
constexpr int kExitTimedOut = 124;

}  // namespace

std::unique_ptr<RunStore> open_history(const std::string& state_dir_option) {
  std::string state_dir = resolve_state_dir(state_dir_option);
  std::unique_ptr<RunStore> store = RunStore::open_existing(state_dir);
  if (!store) throw Error("no runs are recorded in '" + state_dir + "'");
  return store;
}

int exit_code_for(const RunState& state) {
  switch (state.status) {
    case RunStatus::Succeeded:
      return 0;
    case RunStatus::TimedOut:
      return kExitTimedOut;
    case RunStatus::Cancelled:
      return 128 + (state.stop_signal ? state.stop_signal : SIGINT);
    case RunStatus::Waiting:
      return 3;
    default:
      return kExitFailed;
  }
}

int stop_leftovers(RunStore& store, const RunRow& run) {
  int stopped = 0;
  for (const AttemptRow& attempt : store.attempts_of(run.key)) {
    if (attempt.status != "running" || attempt.pgid <= 0) continue;
    if (stop_leftover_group(attempt.pgid, run.id, Duration{2000})) {
      store.append_event(run.key, "LeftoverStopped",
                         fmt::format("process group {} of step '{}' attempt {}", attempt.pgid,
                                     attempt.step_id, attempt.attempt));
      ++stopped;
    }
  }
  // Attempts started in the last moments before the crash may not be recorded yet.
  for (pid_t group : find_run_groups(run.id)) {
    if (stop_leftover_group(group, run.id, Duration{2000})) {
      store.append_event(run.key, "LeftoverStopped",
                         fmt::format("process group {} (found by FLOWRUN_RUN_ID)", group));
      ++stopped;
    }
  }
  return stopped;
}

std::int64_t claim_run_slot(RunStore& store, const NewRun& run, const Workflow& workflow,
                            OverlapPolicy policy, int& exit_code) {
  int limit = workflow.max_active_runs.value_or(0);
  if (policy == OverlapPolicy::Allow) limit = 0;
  if (limit == 0 && policy != OverlapPolicy::Allow && policy != OverlapPolicy::Default) limit = 1;
  // max_active_runs alone queues, as Airflow's does.
  if (policy == OverlapPolicy::Default) policy = OverlapPolicy::Wait;
  bool told = false;
  for (;;) {
    int active = 0;
    if (std::int64_t key = store.claim_run(run, limit, active)) return key;
    std::string why = fmt::format("workflow '{}' already has {} active run{} (limit {})",
                                  run.workflow, active, active == 1 ? "" : "s", limit);
    if (policy == OverlapPolicy::Skip) {
      write(stderr, "flowrun: skipped: " + why + "\n");
      exit_code = 0;
      return 0;
    }
    if (policy == OverlapPolicy::Fail) {
      print_error(why + " (--if-running fail)");
      exit_code = kExitUsage;
      return 0;
    }
    if (!told) {
      write(stderr, "flowrun: waiting: " + why + "\n");
      told = true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

std::string format_short_time(std::int64_t epoch_ms) {
  if (epoch_ms == 0) return "-";
  std::string text = format_timestamp(epoch_ms);
  return text.substr(0, 10) + " " + text.substr(11, 8);
}

}  // namespace flowrun::cli
