#include <fmt/format.h>

#include <memory>

#include "cli/history_commands.hpp"
#include "cli/history_support.hpp"
#include "cli/state_dir.hpp"
#include "cli/terminal.hpp"
#include "cli/terminal_observer.hpp"
#include "core/util/error.hpp"

namespace flowrun::cli {
namespace {

struct RunsOptions {
  std::string workflow;
  std::string status;
  int limit = 20;
  bool json = false;
  std::string state_dir;
};

nlohmann::json run_json(const RunRow& run) {
  RunStatus status = effective_status(run);
  nlohmann::json object = {
      {"run_id", run.id},
      {"workflow", run.workflow},
      {"file", run.file},
      {"status", to_string(status)},
      {"started_at", run.started_ms ? nlohmann::json(format_timestamp(run.started_ms)) : nullptr},
      {"ended_at", run.ended_ms ? nlohmann::json(format_timestamp(run.ended_ms)) : nullptr},
      {"duration_ms", run.ended_ms ? nlohmann::json(run.ended_ms - run.started_ms) : nullptr},
      {"failed_step",
       run.failed_step.empty() ? nlohmann::json(nullptr) : nlohmann::json(run.failed_step)},
      {"redrives", run.redrive_count},
      {"parent_run",
       run.parent_run.empty() ? nlohmann::json(nullptr) : nlohmann::json(run.parent_run)}};
  return object;
}

std::string table(const std::vector<RunRow>& runs) {
  std::vector<std::array<std::string, 6>> rows;
  rows.push_back({"RUN", "WORKFLOW", "STATUS", "STARTED (UTC)", "DURATION", "FAILED STEP"});
  for (const RunRow& run : runs) {
    rows.push_back({run.id, run.workflow, std::string(to_string(effective_status(run))),
                    format_short_time(run.started_ms),
                    run.ended_ms ? format_elapsed(run.ended_ms - run.started_ms) : "-",
                    run.failed_step.empty() ? "-" : run.failed_step});
  }
  std::array<std::size_t, 6> widths{};
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  }
  std::string text;
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t i = 0; i < row.size(); ++i) {
      line += i + 1 < row.size() ? fmt::format("{:<{}}  ", row[i], widths[i]) : row[i];
    }
    text += line + "\n";
  }
  return text;
}

int list_runs(const RunsOptions& options) {
  RunFilter filter;
  filter.workflow = options.workflow;
  filter.limit = options.limit;
  if (!options.status.empty()) {
    filter.status = parse_run_status(options.status);
    if (!filter.status) {
      print_error("unknown run status '" + options.status +
                  "' (running, succeeded, failed, cancelled, timed_out, waiting, interrupted)");
      return 2;
    }
  }
  std::string state_dir = resolve_state_dir(options.state_dir);
  std::unique_ptr<RunStore> store = RunStore::open_existing(state_dir);
  std::vector<RunRow> runs;
  if (store) runs = store->list_runs(filter);
  if (options.json) {
    nlohmann::json array = nlohmann::json::array();
    for (const RunRow& run : runs) array.push_back(run_json(run));
    write(stdout, array.dump(2) + "\n");
  } else if (runs.empty()) {
    write(stderr, "no runs recorded in '" + state_dir + "'\n");
  } else {
    write(stdout, table(runs));
  }
  return 0;
}

}  // namespace

void add_runs_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<RunsOptions>();
  CLI::App* command = app.add_subcommand("runs", "List recorded runs, newest first");
  command->add_option("--workflow", options->workflow, "Only runs of this workflow");
  command->add_option("--status", options->status, "Only runs with this status");
  command->add_option("--limit", options->limit, "At most N runs (0: all; default 20)")
      ->check(CLI::NonNegativeNumber);
  command->add_flag("--json", options->json, "Print a JSON array");
  command->add_option("--state-dir", options->state_dir, "Where runs are recorded");
  command->callback([options, &exit_code] { exit_code = list_runs(*options); });
}

}  // namespace flowrun::cli
