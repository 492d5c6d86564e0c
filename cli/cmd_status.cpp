#include <fmt/format.h>

#include <fstream>
#include <memory>

#include "cli/child_runs.hpp"
#include "cli/history_commands.hpp"
#include "cli/history_support.hpp"
#include "cli/state_dir.hpp"
#include "cli/terminal.hpp"
#include "cli/terminal_observer.hpp"
#include "core/engine/fan_out.hpp"
#include "core/engine/handlers.hpp"
#include "core/engine/run_folder.hpp"
#include "core/report/run_summary.hpp"
#include "core/store/approval_store.hpp"
#include "core/store/run_history.hpp"
#include "core/util/text.hpp"

namespace flowrun::cli {
namespace {

constexpr std::size_t kTailLines = 10;

struct StatusOptions {
  std::string run;
  bool json = false;
  std::string state_dir;
};

std::string log_path_of(const RunState& state, const std::string& id, const StepRecord& record) {
  if (!record.has_log) return "-";
  std::string path;
  attempt_file_path(state.run_dir, id, record.attempts, ".log", path);
  return path;
}

std::string step_row(const RunState& state, const std::string& id, std::size_t width,
                     const StepRecord& record) {
  bool timed = record.started_ms && record.ended_ms;
  return fmt::format("{:<{}}  {:<15}  {:>8}  {:>4}  {:>8}  {}\n", id, width,
                     to_string(record.status), record.attempts,
                     record.exit_code < 0 ? "-" : std::to_string(record.exit_code),
                     timed ? format_elapsed(record.ended_ms - record.started_ms) : "-",
                     log_path_of(state, id, record));
}

// The failed unit to show the log of: the failed step, or its first failed child.
std::size_t failed_unit(const RunState& state, std::size_t step) {
  const FanOutSpan* span = state.find_fan_out(step);
  if (!span) return step;
  for (std::uint32_t i = 0; i < span->count; ++i) {
    std::size_t unit = state.steps.size() + span->first + i;
    StepStatus status = state.record_of(unit).status;
    if (status == StepStatus::Failed || status == StepStatus::TimedOut) return unit;
  }
  return step;
}

std::string tail_of(const std::string& path, std::size_t count) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    lines.push_back(line);
    if (lines.size() > count) lines.erase(lines.begin());
  }
  std::string text;
  for (const std::string& line : lines) text += "  | " + line + "\n";
  return text;
}

// The approvals that wait, with the commands that answer them.
std::string render_approvals(const RunState& state, const std::vector<ApprovalRow>& waiting) {
  std::string text;
  for (const ApprovalRow& approval : waiting) {
    text += fmt::format("\nstep '{}' waits for approval since {} UTC", approval.step_id,
                        format_short_time(approval.requested_ms));
    if (approval.deadline_ms) {
      text += fmt::format(" (until {} UTC)", format_short_time(approval.deadline_ms));
    }
    text += fmt::format(": {}\n  answer: flowrun approve {} {} [--reject] [--comment TEXT]\n",
                        approval.message.empty() ? "(no message)" : approval.message, state.run_id,
                        approval.step_id);
  }
  return text;
}

// The `type: workflow` units that run or wait with their child run, what each child run
// waits for, and how to answer it.
std::string render_child_runs(RunStore& store, const RunRow& run, const Workflow& workflow,
                              const RunState& state, const std::string& options) {
  std::string text;
  for (const auto& [label, child] : started_child_runs(store, run, workflow)) {
    StepStatus status = StepStatus::Pending;
    for (std::size_t i = 0; i < state.steps.size() + state.children.size(); ++i) {
      if (unit_label(workflow, state, i) != label) continue;
      status = state.record_of(i).status;
      break;
    }
    const bool waits = status == StepStatus::Waiting;
    if (!waits && status != StepStatus::Running) continue;
    text += fmt::format("\nstep '{}' {} child run {} (flowrun status {}{})\n", label,
                        waits ? "waits with its" : "runs as", child, child, options);
    std::optional<RunRow> child_run = store.find_run(child);
    if (!child_run) continue;
    for (const ApprovalRow& approval : waiting_approvals(store.db(), child_run->key)) {
      text += fmt::format(
          "  its step '{}' waits for approval: {}\n  answer: flowrun approve {} {}{} "
          "[--reject]{}\n",
          approval.step_id, approval.message.empty() ? "(no message)" : approval.message, child,
          approval.step_id, options,
          waits ? fmt::format(", then: flowrun resume {}{}", state.run_id, options) : "");
    }
  }
  return text;
}

std::string render_late(const RunState& state) {
  if (!state.late && state.late_steps.empty()) return {};
  std::vector<std::string> what;
  if (state.late) what.push_back("the run");
  for (const std::string& step : state.late_steps) what.push_back("step '" + step + "'");
  return "late: " + join(what, ", ") + " passed " + (what.size() == 1 ? "its" : "their") +
         " late_after\n";
}

std::string render_text(const Workflow& workflow, const RunState& state,
                        const std::vector<ApprovalRow>& waiting, const std::string& options) {
  std::string text = fmt::format("run {}  workflow {}  {}\n", state.run_id, state.workflow,
                                 to_string(state.status));
  text += fmt::format("started {} UTC", format_short_time(state.started_ms));
  if (state.ended_ms) text += "  took " + format_elapsed(state.ended_ms - state.started_ms);
  text += "\n";
  if (state.cause) text += "cause: " + *state.cause + "\n";
  text += render_late(state);
  if (!state.props.empty()) {
    text += "props:\n";
    for (const auto& [key, value] : state.props.items()) {
      text +=
          "  " + key + "=" + (value.is_string() ? value.get<std::string>() : value.dump()) + "\n";
    }
  }
  std::size_t width = 4;
  for (std::size_t i = 0; i < workflow.steps.size(); ++i) {
    std::size_t extra = 0;
    if (const FanOutSpan* span = state.find_fan_out(i)) {
      extra = 4 + std::to_string(span->count).size();  // "  id[N]"
    }
    width = std::max(width, workflow.steps[i].id.size() + extra);
  }
  text += fmt::format("\n{:<{}}  {:<15}  {:>8}  {:>4}  {:>8}  {}\n", "STEP", width, "STATUS",
                      "ATTEMPTS", "EXIT", "DURATION", "LOG");
  std::optional<std::size_t> failed;
  const std::size_t handlers = handlers_from(workflow);
  for (std::size_t i = 0; i < workflow.steps.size(); ++i) {
    const StepRecord& record = state.steps[i];
    if (i == handlers) text += "handlers (they do not change the run's status):\n";
    text += step_row(state, workflow.steps[i].id, width, record);
    if (const FanOutSpan* span = state.find_fan_out(i)) {
      // Children are indented under their step, named `id[k]`.
      for (std::uint32_t k = 0; k < span->count; ++k) {
        std::size_t unit = state.steps.size() + span->first + k;
        std::string label = unit_label(workflow, state, unit);
        std::string row = step_row(state, label, width - 2, state.record_of(unit));
        text += "  " + row;
      }
    }
    bool is_failure = record.status == StepStatus::Failed || record.status == StepStatus::TimedOut;
    if (is_failure && !record.continued && !failed && i < handlers) failed = i;
  }
  text += render_approvals(state, waiting);
  if (failed) {
    const StepRecord& record = state.steps[*failed];
    text += fmt::format("\nstep '{}' {}", workflow.steps[*failed].id, to_string(record.status));
    if (const StepDetails* details = state.find_details(*failed);
        details && !details->cause.empty())
      text += ": " + details->cause;
    text += "\n";
    std::size_t unit = failed_unit(state, *failed);
    const StepRecord& shown = state.record_of(unit);
    std::string label = unit_label(workflow, state, unit);
    if (unit != *failed) {
      text += fmt::format("child '{}' {}", label, to_string(shown.status));
      const StepDetails* details = state.find_details(unit);
      if (details && !details->cause.empty()) text += ": " + details->cause;
      text += "\n";
    }
    if (shown.has_log) {
      text += fmt::format("last lines of its log:\n{}",
                          tail_of(log_path_of(state, label, shown), kTailLines));
    }
  }
  return text;
}

// An ASL run keeps its whole summary in summary.json (its steps are state executions, not
// the steps of a native workflow); the status is the history's (interrupted when orphaned).
bool show_asl_status(const RunRow& run, bool json, const std::string& options) {
  std::ifstream file(run.run_dir + "/summary.json", std::ios::binary);
  nlohmann::json summary = nlohmann::json::parse(file, nullptr, false);
  if (summary.is_discarded() || summary.value("kind", "") != "asl") return false;
  summary["status"] = to_string(effective_status(run));
  summary["redrive_count"] = run.redrive_count;
  if (json) {
    write(stdout, summary.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
    return true;
  }
  std::string text = fmt::format("run {} of '{}' (Amazon States Language): {}", run.id,
                                 run.workflow, summary["status"].get<std::string>());
  if (run.redrive_count > 0) {
    text +=
        fmt::format(" (redriven {} time{})", run.redrive_count, run.redrive_count == 1 ? "" : "s");
  }
  text += "\n";
  for (const nlohmann::json& step : summary["steps"]) {
    std::string name = step["id"].get<std::string>();
    if (step.contains("item_index")) name += fmt::format(" #{}", step["item_index"].get<int>());
    text += fmt::format("  {:<30} {:<9} {}", name, step["type"].get<std::string>(),
                        step["status"].get<std::string>());
    if (step["error"].is_string()) text += ": " + step["error"].get<std::string>();
    text += "\n";
  }
  if (summary["error"].is_string()) {
    text += "error: " + summary["error"].get<std::string>();
    if (summary["cause"].is_string()) text += ": " + summary["cause"].get<std::string>();
    text += "\n";
  } else if (run.status == RunStatus::Waiting && summary["cause"].is_string()) {
    text += summary["cause"].get<std::string>() + "\n";
    text += fmt::format(
        "answer: flowrun task-success TOKEN --output JSON{0} (or task-failure TOKEN --error E)\n"
        "then:   flowrun resume {1}{0}\n",
        options, run.id);
  }
  write(stdout, text);
  return true;
}

int show_status(const StatusOptions& options) {
  std::unique_ptr<RunStore> store = open_history(options.state_dir);
  RunRow run = store->resolve_run(options.run);
  if (show_asl_status(run, options.json, state_dir_option(options.state_dir))) return 0;
  Workflow workflow = load_run_workflow(run);
  RunState state = load_run_state(*store, run, workflow);
  if (options.json) {
    write_run_summary(workflow, state, [](std::string_view piece) {
      std::fwrite(piece.data(), 1, piece.size(), stdout);
    });
    write(stdout, "\n");
  } else {
    std::vector<ApprovalRow> waiting;
    std::string children;
    const std::string state_dir = state_dir_option(options.state_dir);
    if (state.status == RunStatus::Running || state.status == RunStatus::Waiting) {
      waiting = waiting_approvals(store->db(), run.key);
      children = render_child_runs(*store, run, workflow, state, state_dir);
    }
    write(stdout, render_text(workflow, state, waiting, state_dir) + children);
  }
  return 0;
}

}  // namespace

void add_status_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<StatusOptions>();
  CLI::App* command = app.add_subcommand("status", "Show a recorded run and its steps");
  command->add_option("run", options->run, "Run id, unique id prefix, or 'last'")->required();
  command->add_flag("--json", options->json, "Print the run summary JSON (as run --json)");
  command->add_option("--state-dir", options->state_dir, "Where runs are recorded");
  command->callback([options, &exit_code] { exit_code = show_status(*options); });
}

}  // namespace flowrun::cli
