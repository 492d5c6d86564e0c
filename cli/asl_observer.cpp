#include "cli/asl_observer.hpp"

#include <fmt/format.h>

#include "cli/terminal.hpp"
#include "cli/terminal_observer.hpp"

namespace flowrun::cli {

std::string AslObserver::label(const asl::StateRun& run) const {
  if (run.item_index < 0) return fmt::format("[{}]", run.state->name);
  return fmt::format("[{} #{}]", run.state->name, run.item_index);
}

void AslObserver::state_started(const asl::StateRun& run) { pending_ += label(run) + " started\n"; }

void AslObserver::state_finished(const asl::StateRun& run) {
  pending_ += fmt::format("{} {}", label(run), to_string(run.status));
  if (run.exit_code >= 0) pending_ += fmt::format(" (exit {})", run.exit_code);
  if (run.started_ms && run.ended_ms) {
    pending_ += fmt::format(" in {}", format_elapsed(run.ended_ms - run.started_ms));
  }
  if (!run.error.empty()) pending_ += ": " + run.error.str();
  if (!run.cause.empty()) pending_ += ": " + run.cause.str();
  pending_ += '\n';
}

void AslObserver::task_retrying(const asl::StateRun& run, const std::string& error,
                                std::int64_t delay_ms) {
  pending_ += fmt::format("{} {}; retrying in {}\n", label(run), error, format_elapsed(delay_ms));
}

void AslObserver::execution_stopping(int signal) {
  pending_ += fmt::format("stopping the execution ({})\n", signal_name(signal));
  flush();
}

void AslObserver::run_started(const RunState& state, std::size_t states) {
  pending_ += fmt::format("run {} of '{}' (Amazon States Language): {} states\n", state.run_id,
                          state.workflow, states);
  flush();
}

void AslObserver::run_finished(const RunState& state) {
  pending_ += fmt::format("run {} {}", state.run_id, to_string(state.status));
  if (state.ended_ms) pending_ += " in " + format_elapsed(state.ended_ms - state.started_ms);
  if (state.error) pending_ += ": " + *state.error;
  if (state.cause && !state.cause->empty()) pending_ += ": " + *state.cause;
  pending_ += fmt::format("\nlogs: {}\n", state.run_dir);
  flush();
}

void AslObserver::flush() {
  if (pending_.empty()) return;
  write(stream_, pending_);
  pending_.clear();
}

}  // namespace flowrun::cli
