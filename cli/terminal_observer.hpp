#pragma once

#include <cstdio>
#include <string>
#include <unordered_map>

#include "core/engine/run_events.hpp"
#include "core/model/workflow.hpp"

namespace flowrun::cli {

/// Progress of a run on stderr: one line when a step starts and one when it ends, the last
/// 20 lines of the log of a step that failed, `--stream` output prefixed with `[step] `, and
/// on a TTY a status line (done/running/total) redrawn when the run waits.
class TerminalObserver : public RunObserver {
 public:
  TerminalObserver(const Workflow& workflow, std::FILE* stream, bool is_tty);

  void run_started(const RunState& state) override;
  void attempt_started(const RunState& state, std::size_t step, int attempt) override;
  void attempt_finished(const RunState& state, std::size_t step,
                        const AttemptResult& result) override;
  void step_retrying(const RunState& state, std::size_t step, std::int64_t delay_ms) override;
  void step_finished(const RunState& state, std::size_t step) override;
  void step_note(const RunState& state, std::size_t unit, std::string_view type,
                 const std::string& detail) override;
  void run_stopping(const RunState& state, int signal) override;
  void run_finished(const RunState& state) override;
  void step_output(const RunState& state, std::size_t step, std::string_view bytes) override;
  void before_wait(const RunState& state) override;
  void approval_waiting(const RunState& state, std::size_t unit, const ApprovalRequest& request,
                        std::int64_t deadline_ms) override;

  /// Options the printed `flowrun approve` commands need (`--state-dir DIR`), or "".
  void set_answer_options(std::string options) { answer_options_ = std::move(options); }

 private:
  void flush();
  bool waits_on_child_run(const RunState& state) const;
  void append_log_tail(const std::string& path);

  const Workflow& workflow_;
  std::FILE* stream_;
  bool is_tty_;
  std::string pending_;
  std::size_t running_ = 0;
  std::size_t done_ = 0;
  std::unordered_map<std::size_t, std::string> partial_lines_;
  std::string answer_options_;
};

/// `12ms`, `3.4s`, `2m05s`.
std::string format_elapsed(std::int64_t milliseconds);

}  // namespace flowrun::cli
