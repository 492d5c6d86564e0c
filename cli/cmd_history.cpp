#include <fmt/format.h>

#include <memory>

#include "cli/history_commands.hpp"
#include "cli/history_support.hpp"
#include "cli/terminal.hpp"

namespace flowrun::cli {
namespace {

struct HistoryOptions {
  std::string run;
  bool json = false;
  std::string state_dir;
};

nlohmann::json event_json(const EventRow& event) {
  return {{"id", event.seq},
          {"timestamp", format_timestamp(event.at_ms)},
          {"type", event.type},
          {"step", event.step_id.empty() ? nlohmann::json(nullptr) : nlohmann::json(event.step_id)},
          {"attempt", event.attempt > 0 ? nlohmann::json(event.attempt) : nlohmann::json(nullptr)},
          {"detail", event.detail}};
}

int show_history(const HistoryOptions& options) {
  std::unique_ptr<RunStore> store = open_history(options.state_dir);
  RunRow run = store->resolve_run(options.run);
  std::vector<EventRow> events = store->events_of(run.key);
  if (options.json) {
    nlohmann::json array = nlohmann::json::array();
    for (const EventRow& event : events) array.push_back(event_json(event));
    write(stdout, array.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
    return 0;
  }
  std::size_t type_width = 4;
  std::size_t step_width = 4;
  for (const EventRow& event : events) {
    type_width = std::max(type_width, event.type.size());
    std::size_t step =
        event.step_id.size() + (event.attempt > 0 ? 3 + std::to_string(event.attempt).size() : 0);
    step_width = std::max(step_width, step);
  }
  std::string text = fmt::format("{:<24}  {:<{}}  {:<{}}  {}\n", "TIME (UTC)", "TYPE", type_width,
                                 "STEP", step_width, "DETAIL");
  for (const EventRow& event : events) {
    std::string step = event.step_id.empty() ? "-" : event.step_id;
    if (event.attempt > 0) step += fmt::format(" #{}", event.attempt);
    text += fmt::format("{:<24}  {:<{}}  {:<{}}  {}\n", format_timestamp(event.at_ms), event.type,
                        type_width, step, step_width, event.detail);
  }
  write(stdout, text);
  return 0;
}

}  // namespace

void add_history_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<HistoryOptions>();
  CLI::App* command = app.add_subcommand("history", "Show the event history of a run");
  command->add_option("run", options->run, "Run id, unique id prefix, or 'last'")->required();
  command->add_flag("--json", options->json, "Print a JSON array of events");
  command->add_option("--state-dir", options->state_dir, "Where runs are recorded");
  command->callback([options, &exit_code] { exit_code = show_history(*options); });
}

}  // namespace flowrun::cli
