#include <fmt/format.h>

#include <filesystem>
#include <map>
#include <memory>

#include "cli/history_commands.hpp"
#include "cli/history_support.hpp"
#include "cli/state_dir.hpp"
#include "cli/terminal.hpp"
#include "core/util/duration.hpp"

namespace flowrun::cli {
namespace {

constexpr int kExitUsage = 2;

struct PruneOptions {
  std::string older_than;
  int keep = -1;
  bool dry_run = false;
  std::string state_dir;
};

// Runs to delete: ended (never running or interrupted ones), older than the cut-off, and
// beyond the `keep` newest of their workflow.
std::vector<RunRow> select_runs(RunStore& store, std::optional<Duration> older_than, int keep) {
  RunFilter all;
  all.limit = 0;
  std::int64_t cutoff = older_than ? now_epoch_ms() - older_than->milliseconds : 0;
  std::map<std::string, int> seen;
  std::vector<RunRow> chosen;
  for (RunRow& run : store.list_runs(all)) {  // newest first
    int rank = ++seen[run.workflow];
    RunStatus status = effective_status(run);
    if (status == RunStatus::Running || status == RunStatus::Waiting) continue;
    if (older_than && run.started_ms >= cutoff) continue;
    if (keep >= 0 && rank <= keep) continue;
    chosen.push_back(std::move(run));
  }
  return chosen;
}

int prune(const PruneOptions& options) {
  std::optional<Duration> older_than;
  if (!options.older_than.empty()) {
    older_than = parse_duration(options.older_than);
    if (!older_than) {
      print_error("--older-than expects a duration such as 30d or 12h, not '" + options.older_than +
                  "'");
      return kExitUsage;
    }
  }
  if (!older_than && options.keep < 0) {
    print_error("prune needs --older-than D, --keep N or both");
    return kExitUsage;
  }
  std::string state_dir = resolve_state_dir(options.state_dir);
  std::unique_ptr<RunStore> store = RunStore::open_existing(state_dir);
  if (!store) return 0;
  std::vector<RunRow> runs = select_runs(*store, older_than, options.keep);
  std::string text;
  for (const RunRow& run : runs) {
    text += fmt::format("{} {} {} ({})\n", options.dry_run ? "would delete" : "deleted", run.id,
                        run.workflow, to_string(effective_status(run)));
  }
  if (!options.dry_run && !runs.empty()) {
    std::vector<std::int64_t> keys;
    for (const RunRow& run : runs) keys.push_back(run.key);
    store->delete_runs(keys);
    std::string runs_root = store->state_dir() + "/runs/";
    for (const RunRow& run : runs) {
      // Only folders inside this state directory's runs/ are removed.
      if (run.run_dir.rfind(runs_root, 0) == 0) std::filesystem::remove_all(run.run_dir);
    }
  }
  text += fmt::format("{} run{} {}\n", runs.size(), runs.size() == 1 ? "" : "s",
                      options.dry_run ? "would be deleted" : "deleted");
  write(stdout, text);
  return 0;
}

}  // namespace

void add_prune_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<PruneOptions>();
  CLI::App* command = app.add_subcommand("prune", "Delete old runs and their folders");
  command->add_option("--older-than", options->older_than, "Runs started longer ago than D");
  command->add_option("--keep", options->keep, "Keep the N newest runs of each workflow")
      ->check(CLI::NonNegativeNumber);
  command->add_flag("--dry-run", options->dry_run, "Print what would be deleted");
  command->add_option("--state-dir", options->state_dir, "Where runs are recorded");
  command->callback([options, &exit_code] { exit_code = prune(*options); });
}

}  // namespace flowrun::cli
