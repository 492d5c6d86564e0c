#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/exec/output_file.hpp"

namespace flowrun {

/// The status of a whole run (the contract's lower-case words).
enum class RunStatus { Running, Succeeded, Failed, Cancelled, TimedOut, Waiting, Interrupted };
std::string_view to_string(RunStatus status);
std::optional<RunStatus> parse_run_status(std::string_view text);

/// The status of one step. Pending/Running/Retrying/Waiting are transient; the others are
/// final. Waiting: an approval step waits for its answer.
enum class StepStatus : std::uint8_t {
  Pending,
  Running,
  Retrying,
  Waiting,
  Succeeded,
  Failed,
  TimedOut,
  Skipped,
  UpstreamFailed,
  Cancelled
};
std::string_view to_string(StepStatus status);
std::optional<StepStatus> parse_step_status(std::string_view text);
bool is_final(StepStatus status);

/// What is known of one step; kept small because a run may hold 10 000 of them.
struct StepRecord {
  std::int64_t started_ms = 0;  ///< Unix epoch ms of the first attempt's start; 0 = never
  std::int64_t ended_ms = 0;    ///< Unix epoch ms of the end; 0 = not ended
  std::int32_t exit_code = -1;  ///< of the last attempt; 128+N when killed by signal N; -1 = none
  std::uint16_t attempts = 0;
  std::uint16_t attempts_before = 0;  ///< made before the last redrive; retries count after
  std::uint8_t signal = 0;            ///< the signal that ended the last attempt, 0 = none
  StepStatus status = StepStatus::Pending;
  bool has_log = false;    ///< the last attempt wrote a log file
  bool continued = false;  ///< failed, but continue_on_error makes it count as success
};

/// The rarer, larger facts of a step, stored only for the steps that have them.
struct StepDetails {
  StepOutputs outputs;
  std::string cause;  ///< why the step ended as it did, when not a plain success
};

/// Where the children of one fan-out step (`foreach`, `matrix`) sit in RunState::children.
struct FanOutSpan {
  std::uint32_t first = 0;
  std::uint32_t count = 0;
};

/// One child of a fan-out step: item `index` of step `step`.
struct ChildRecord {
  std::uint32_t step = 0;
  std::uint32_t index = 0;
  StepRecord record;
};

/// One attempt that just ended, as reported to recorders and observers.
struct AttemptResult {
  int attempt = 0;
  int exit_code = -1;
  int signal = 0;
  StepStatus status = StepStatus::Failed;  ///< Succeeded, Failed, TimedOut or Cancelled
  std::int64_t duration_ms = 0;
  std::string_view log_path;  ///< empty when no log was written
};

/// Everything the summary of a run is made of. Steps are parallel to `Workflow::steps`.
struct RunState {
  std::string run_id;
  std::string workflow;
  std::string file;     ///< absolute path of the workflow file
  std::string run_dir;  ///< absolute path of runs/<run-id>/
  RunStatus status = RunStatus::Running;
  std::int64_t started_ms = 0;
  std::int64_t ended_ms = 0;
  nlohmann::json params = nlohmann::json::object();
  nlohmann::json output = nlohmann::json::object();
  nlohmann::json props = nlohmann::json::object();  ///< run properties (`flowrun props`)
  std::optional<std::string> error;
  std::optional<std::string> cause;
  int stop_signal = 0;  ///< SIGINT or SIGTERM when the run was cancelled by one
  /// `late_after`: the run passed its own, and the steps (ids) that passed theirs, in the
  /// order they went late. Lateness is reported, never a failure.
  bool late = false;
  std::vector<std::string> late_steps;
  std::vector<StepRecord> steps;
  /// Fan-out children. A "unit" index below steps.size() is a step; at or above it, the
  /// child `children[unit - steps.size()]`. Recorders and observers get unit indexes.
  std::vector<ChildRecord> children;
  std::unordered_map<std::uint32_t, FanOutSpan> fan_outs;  ///< step -> its children
  /// Keyed by unit index (steps and children alike).
  std::unordered_map<std::uint32_t, StepDetails> details;

  /// Details of unit `index`, or nullptr when it has none.
  const StepDetails* find_details(std::size_t index) const;
  StepDetails& details_of(std::size_t index);
  bool is_child(std::size_t unit) const { return unit >= steps.size(); }
  /// The record of a step or a child.
  StepRecord& record_of(std::size_t unit) {
    return unit < steps.size() ? steps[unit] : children[unit - steps.size()].record;
  }
  const StepRecord& record_of(std::size_t unit) const {
    return unit < steps.size() ? steps[unit] : children[unit - steps.size()].record;
  }
  /// The step a unit belongs to (itself for a step).
  std::uint32_t step_of(std::size_t unit) const {
    return unit < steps.size() ? static_cast<std::uint32_t>(unit)
                               : children[unit - steps.size()].step;
  }
  /// The children of a fan-out step, or nullptr.
  const FanOutSpan* find_fan_out(std::size_t step) const;
};

/// Unix epoch milliseconds now.
std::int64_t now_epoch_ms();
/// ISO-8601 UTC with milliseconds and `Z`: `2026-11-24T03:00:00.123Z`.
std::string format_timestamp(std::int64_t epoch_ms);
/// `SIGTERM` for 15; `SIG<n>` when unknown.
std::string signal_name(int signal);

}  // namespace flowrun
