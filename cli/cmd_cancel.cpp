#include <fmt/format.h>
#include <signal.h>

#include <chrono>
#include <memory>
#include <thread>

#include "cli/child_runs.hpp"
#include "cli/history_commands.hpp"
#include "cli/history_support.hpp"
#include "cli/terminal.hpp"
#include "core/store/run_history.hpp"

namespace flowrun::cli {
namespace {

constexpr int kExitUsage = 2;
constexpr auto kWaitForOwner = std::chrono::seconds(60);

struct CancelOptions {
  std::string run;
  std::string state_dir;
};

// Waits until the owner has recorded the end of the run; false on timeout.
bool wait_until_ended(RunStore& store, const std::string& id) {
  auto until = std::chrono::steady_clock::now() + kWaitForOwner;
  while (std::chrono::steady_clock::now() < until) {
    std::optional<RunRow> run = store.find_run(id);
    if (!run || effective_status(*run) != RunStatus::Running) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

int cancel(const CancelOptions& options) {
  std::unique_ptr<RunStore> store = open_history(options.state_dir);
  RunRow run = store->resolve_run(options.run);
  RunStatus status = effective_status(run);
  if (status == RunStatus::Running) {
    if (kill(run.owner.pid, SIGTERM) != 0 && errno != ESRCH) {
      print_error(fmt::format("cannot signal flowrun process {} of run '{}': {}", run.owner.pid,
                              run.id, std::strerror(errno)));
      return kExitUsage;
    }
    if (!wait_until_ended(*store, run.id)) {
      print_error(fmt::format("run '{}' did not stop within 60s (flowrun process {})", run.id,
                              run.owner.pid));
      return 1;
    }
    std::optional<RunRow> ended = store->find_run(run.id);
    write(stderr, fmt::format("flowrun: run {} {}\n", run.id,
                              ended ? to_string(effective_status(*ended)) : "cancelled"));
    return 0;
  }
  if (status == RunStatus::Interrupted) {
    int stopped = stop_leftovers(*store, run);
    store->record_cancel(run, "cancelled after its flowrun process was gone");
    write(stderr, fmt::format("flowrun: run {} cancelled (its flowrun process was gone; {} "
                              "leftover process group{} stopped)\n",
                              run.id, stopped, stopped == 1 ? "" : "s"));
    return 0;
  }
  if (status == RunStatus::Waiting) {  // stopped for an approval (--no-wait): no process
    int children = cancel_waiting_run(*store, run, "cancelled while it waited for approval");
    write(stderr, fmt::format("flowrun: run {} cancelled (it waited for approval){}\n", run.id,
                              children == 0 ? std::string()
                                            : fmt::format(", with {} waiting child run{}", children,
                                                          children == 1 ? "" : "s")));
    return 0;
  }
  print_error(fmt::format("run '{}' is not running (it {})", run.id, to_string(status)));
  return kExitUsage;
}

}  // namespace

void add_cancel_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<CancelOptions>();
  CLI::App* command = app.add_subcommand("cancel", "Stop a run that is running");
  command->add_option("run", options->run, "Run id, unique id prefix, or 'last'")->required();
  command->add_option("--state-dir", options->state_dir, "Where runs are recorded");
  command->callback([options, &exit_code] { exit_code = cancel(*options); });
}

}  // namespace flowrun::cli
