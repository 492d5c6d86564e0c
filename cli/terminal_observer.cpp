#include "cli/terminal_observer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <vector>

#include "core/engine/fan_out.hpp"
#include "core/engine/run_folder.hpp"
#include "core/util/duration.hpp"

namespace flowrun::cli {
namespace {

constexpr std::size_t kTailLines = 20;
constexpr std::size_t kTailBytes = 64 * 1024;
constexpr std::size_t kFlushAt = 16 * 1024;

std::string to_upper(std::string text) {
  for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

std::string attempt_suffix(int attempt) {
  return attempt > 1 ? fmt::format(", attempt {}", attempt) : "";
}

}  // namespace

std::string format_elapsed(std::int64_t milliseconds) {
  if (milliseconds < 1000) return fmt::format("{}ms", milliseconds);
  if (milliseconds < 60000) return fmt::format("{:.1f}s", static_cast<double>(milliseconds) / 1000);
  std::int64_t seconds = milliseconds / 1000;
  return fmt::format("{}m{:02}s", seconds / 60, seconds % 60);
}

TerminalObserver::TerminalObserver(const Workflow& workflow, std::FILE* stream, bool is_tty)
    : workflow_(workflow), stream_(stream), is_tty_(is_tty) {}

void TerminalObserver::run_started(const RunState& state) {
  pending_ += fmt::format("run {} of '{}': {} step{}\n", state.run_id, state.workflow,
                          state.steps.size(), state.steps.size() == 1 ? "" : "s");
}

void TerminalObserver::attempt_started(const RunState& state, std::size_t step, int attempt) {
  ++running_;
  pending_ +=
      fmt::format("[{}] started{}\n", unit_label(workflow_, state, step), attempt_suffix(attempt));
  if (pending_.size() > kFlushAt) flush();
}

void TerminalObserver::attempt_finished(const RunState&, std::size_t, const AttemptResult&) {
  if (running_ > 0) --running_;
}

void TerminalObserver::step_retrying(const RunState& state, std::size_t step,
                                     std::int64_t delay_ms) {
  const StepRecord& record = state.record_of(step);
  pending_ += fmt::format("[{}] attempt {} {} (exit {}); retrying in {}\n",
                          unit_label(workflow_, state, step), record.attempts,
                          record.signal ? "killed" : "failed", record.exit_code,
                          format_duration(Duration{delay_ms}));
}

void TerminalObserver::step_finished(const RunState& state, std::size_t step) {
  if (!state.is_child(step)) ++done_;
  const StepRecord& record = state.record_of(step);
  const std::string id = unit_label(workflow_, state, step);
  if (auto partial = partial_lines_.find(step); partial != partial_lines_.end()) {
    pending_ += fmt::format("[{}] {}\n", id, partial->second);
    partial_lines_.erase(partial);
  }
  std::string line = fmt::format("[{}] {}", id, to_string(record.status));
  if (record.exit_code >= 0) {
    line += fmt::format(" (exit {}", record.exit_code);
    if (record.signal) line += ", " + signal_name(record.signal);
    if (record.started_ms && record.ended_ms) {
      line += ", " + format_elapsed(record.ended_ms - record.started_ms);
    }
    line += attempt_suffix(record.attempts) + ")";
  }
  const StepDetails* details = state.find_details(step);
  if (details && !details->cause.empty() && record.status != StepStatus::Succeeded) {
    line += ": " + details->cause;
  }
  if (record.continued) line += " (continue_on_error)";
  pending_ += line + "\n";
  bool failed = record.status == StepStatus::Failed || record.status == StepStatus::TimedOut;
  if (failed && record.has_log) {
    std::string path;
    attempt_file_path(state.run_dir, id, record.attempts, ".log", path);
    append_log_tail(path);
  }
  if (pending_.size() > kFlushAt) flush();
}

void TerminalObserver::step_note(const RunState& state, std::size_t unit, std::string_view,
                                 const std::string& detail) {
  if (unit >= state.steps.size() + state.children.size()) {  // about the whole run
    pending_ += "flowrun: " + detail + "\n";
    return;
  }
  pending_ += fmt::format("[{}] {}\n", unit_label(workflow_, state, unit), detail);
}

void TerminalObserver::run_stopping(const RunState&, int signal) {
  pending_ += signal ? fmt::format(
                           "flowrun: {} received: stopping the running steps (again to "
                           "kill them at once)\n",
                           signal_name(signal))
                     : "flowrun: the run timed out: stopping the running steps\n";
  flush();
}

// A `type: workflow` unit waits: the approval to answer is in its child run.
bool TerminalObserver::waits_on_child_run(const RunState& state) const {
  for (std::size_t unit = 0; unit < state.steps.size() + state.children.size(); ++unit) {
    const Step& step = workflow_.steps[state.step_of(unit)];
    if (state.record_of(unit).status == StepStatus::Waiting &&
        step.action.kind == ActionKind::Type && step.action.type == StepType::Workflow) {
      return true;
    }
  }
  return false;
}

void TerminalObserver::run_finished(const RunState& state) {
  // A waiting run has not ended: it stopped after this long and a resume continues it.
  const bool waiting = state.status == RunStatus::Waiting;
  const std::int64_t ended_ms = waiting ? now_epoch_ms() : state.ended_ms;
  pending_ += fmt::format("run {} {} {} {}", state.run_id, to_string(state.status),
                          waiting ? "after" : "in", format_elapsed(ended_ms - state.started_ms));
  if (state.cause) pending_ += ": " + *state.cause;
  pending_ += fmt::format("\nlogs: {}\n", state.run_dir);
  if (waiting && waits_on_child_run(state)) {
    pending_ += fmt::format(
        "flowrun: answer the child run's approval ('flowrun status {0}{1}' shows how), then "
        "'flowrun resume {0}{1}'\n",
        state.run_id, answer_options_);
  } else if (waiting) {
    pending_ += fmt::format(
        "flowrun: answer with 'flowrun approve {0} STEP{1} [--reject]', then 'flowrun resume "
        "{0}{1}' (or 'flowrun approve --resume ...' for both)\n",
        state.run_id, answer_options_);
  }
  flush();
}

void TerminalObserver::approval_waiting(const RunState& state, std::size_t unit,
                                        const ApprovalRequest& request, std::int64_t deadline_ms) {
  const std::string id = unit_label(workflow_, state, unit);
  const Step& step = workflow_.steps[state.step_of(unit)];
  pending_ += fmt::format("[{}] waiting for approval: {}\n", id,
                          request.message.empty() ? "(no message)" : request.message);
  if (deadline_ms != 0) {
    pending_ += fmt::format("[{}] no answer by {} -> {}\n", id, format_timestamp(deadline_ms),
                            approval_on_timeout(step));
  }
  std::string inputs;
  for (const Param& input : step.extra().inputs) {
    inputs += fmt::format(" {}-i {}={}{}", input.required ? "" : "[", input.name,
                          to_upper(input.type), input.required ? "" : "]");
  }
  pending_ += fmt::format("  approve: flowrun approve {} {}{} [--comment TEXT]{}\n", state.run_id,
                          id, answer_options_, inputs);
  pending_ += fmt::format("  reject:  flowrun approve {} {}{} --reject [--comment TEXT]\n",
                          state.run_id, id, answer_options_);
  flush();
}

void TerminalObserver::step_output(const RunState& state, std::size_t step,
                                   std::string_view bytes) {
  std::string& partial = partial_lines_[step];
  const std::string id = unit_label(workflow_, state, step);
  for (std::size_t newline; (newline = bytes.find('\n')) != std::string_view::npos;) {
    pending_ += fmt::format("[{}] {}{}\n", id, partial, bytes.substr(0, newline));
    partial.clear();
    bytes.remove_prefix(newline + 1);
  }
  partial += bytes;
  if (partial.empty()) partial_lines_.erase(step);
  if (pending_.size() > kFlushAt) flush();
}

void TerminalObserver::before_wait(const RunState& state) {
  if (is_tty_) {
    pending_ += fmt::format("{}/{} done, {} running", done_, state.steps.size(), running_);
  }
  flush();
}

void TerminalObserver::flush() {
  if (pending_.empty()) return;
  if (is_tty_) pending_.insert(0, "\r\x1b[K");
  std::fwrite(pending_.data(), 1, pending_.size(), stream_);
  std::fflush(stream_);
  pending_.clear();
}

void TerminalObserver::append_log_tail(const std::string& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return;
  std::streamoff size = in.tellg();
  std::streamoff start = size > static_cast<std::streamoff>(kTailBytes)
                             ? size - static_cast<std::streamoff>(kTailBytes)
                             : 0;
  in.seekg(start);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!text.empty() && text.back() == '\n') text.pop_back();
  if (text.empty()) return;
  std::size_t begin = text.size();
  std::size_t newlines = 0;
  while (begin > 0 && !(text[begin - 1] == '\n' && ++newlines == kTailLines)) --begin;
  pending_ += fmt::format("  --- last lines of {} ---\n", path);
  for (std::size_t pos = begin; pos <= text.size();) {
    std::size_t newline = std::min(text.find('\n', pos), text.size());
    pending_ += "  | " + text.substr(pos, newline - pos) + "\n";
    pos = newline + 1;
  }
}

}  // namespace flowrun::cli
