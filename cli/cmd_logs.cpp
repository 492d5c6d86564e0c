#include <fmt/format.h>

#include <chrono>
#include <fstream>
#include <map>
#include <memory>
#include <thread>

#include "cli/history_commands.hpp"
#include "cli/history_support.hpp"
#include "cli/terminal.hpp"
#include "core/util/error.hpp"
#include "core/util/text.hpp"

namespace flowrun::cli {
namespace {

struct LogsOptions {
  std::string run;
  std::string step;
  int attempt = 0;
  bool follow = false;
  std::string state_dir;
};

// Copies the bytes of `path` from `offset` on to stdout; returns the new offset.
std::uint64_t copy_from(const std::string& path, std::uint64_t offset) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return offset;
  in.seekg(static_cast<std::streamoff>(offset));
  char buffer[65536];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    std::fwrite(buffer, 1, static_cast<std::size_t>(in.gcount()), stdout);
    offset += static_cast<std::uint64_t>(in.gcount());
  }
  std::fflush(stdout);
  return offset;
}

std::string header(const AttemptRow& attempt) {
  return fmt::format("==> {} (attempt {}) <==\n", attempt.step_id, attempt.attempt);
}

// The attempts to show: all of them, or those of one step (its last, or --attempt N).
std::vector<AttemptRow> select(std::vector<AttemptRow> attempts, const LogsOptions& options) {
  if (options.step.empty()) return attempts;
  std::vector<AttemptRow> chosen;
  for (AttemptRow& attempt : attempts) {
    if (attempt.step_id != options.step) continue;
    if (options.attempt > 0 && attempt.attempt != options.attempt) continue;
    if (options.attempt == 0 && !options.follow) chosen.clear();  // keep the last one
    chosen.push_back(std::move(attempt));
  }
  return chosen;
}

void check_step(RunStore& store, const RunRow& run, const LogsOptions& options) {
  if (options.step.empty()) return;
  std::vector<std::string> ids;
  for (const AttemptRow& attempt : store.attempts_of(run.key)) {
    if (attempt.step_id == options.step) {
      if (options.attempt == 0 || attempt.attempt == options.attempt) return;
    }
    ids.push_back(attempt.step_id);
  }
  if (options.follow && is_alive(run.owner)) return;  // it may start later
  if (options.attempt > 0 && std::find(ids.begin(), ids.end(), options.step) != ids.end()) {
    throw Error(fmt::format("step '{}' of run '{}' has no attempt {}", options.step, run.id,
                            options.attempt));
  }
  std::string message = fmt::format("run '{}' has no log of a step '{}'", run.id, options.step);
  if (auto suggestion = closest_match(options.step, ids)) {
    message += "; did you mean '" + *suggestion + "'?";
  }
  throw Error(message);
}

void follow(RunStore& store, const std::string& run_id, const LogsOptions& options) {
  std::map<std::string, std::uint64_t> offsets;
  std::string current;
  for (bool last_round = false;;) {
    std::optional<RunRow> run = store.find_run(run_id);
    if (!run) return;
    bool ended = effective_status(*run) != RunStatus::Running;
    for (const AttemptRow& attempt : select(store.attempts_of(run->key), options)) {
      std::uint64_t& offset = offsets[attempt.log_path];
      std::ifstream probe(attempt.log_path, std::ios::binary | std::ios::ate);
      if (!probe || static_cast<std::uint64_t>(probe.tellg()) <= offset) continue;
      if (current != attempt.log_path && options.step.empty()) write(stdout, header(attempt));
      current = attempt.log_path;
      offset = copy_from(attempt.log_path, offset);
    }
    if (last_round) return;
    last_round = ended;  // one more pass picks up what the last attempts wrote
    if (!ended) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

int show_logs(const LogsOptions& options) {
  std::unique_ptr<RunStore> store = open_history(options.state_dir);
  RunRow run = store->resolve_run(options.run);
  check_step(*store, run, options);
  if (options.follow) {
    follow(*store, run.id, options);
    return 0;
  }
  for (const AttemptRow& attempt : select(store->attempts_of(run.key), options)) {
    if (options.step.empty()) write(stdout, header(attempt));
    copy_from(attempt.log_path, 0);
  }
  return 0;
}

}  // namespace

void add_logs_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<LogsOptions>();
  CLI::App* command = app.add_subcommand("logs", "Print the logs of a run or of one step");
  command->add_option("run", options->run, "Run id, unique id prefix, or 'last'")->required();
  command->add_option("step", options->step, "Only this step (its last attempt)");
  command->add_option("--attempt", options->attempt, "This attempt of STEP (1-based)")
      ->check(CLI::PositiveNumber);
  command->add_flag("-f,--follow", options->follow, "Keep printing until the run ends");
  command->add_option("--state-dir", options->state_dir, "Where runs are recorded");
  command->callback([options, &exit_code] { exit_code = show_logs(*options); });
}

}  // namespace flowrun::cli
