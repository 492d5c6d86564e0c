#pragma once

#include <sys/types.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/asl/bindings.hpp"
#include "core/asl/mock_config.hpp"
#include "core/asl/state_machine.hpp"
#include "core/engine/run_folder.hpp"
#include "core/engine/run_state.hpp"
#include "core/util/chunked_vector.hpp"
#include "core/util/duration.hpp"
#include "core/util/sparse_text.hpp"

// The ASL interpreter: runs a loaded state machine in one event loop on the calling thread,
// Task states as local processes (bindings) or mocked answers, with the history named as
// Step Functions names it. Data handling (paths, templates, Choice rules) is data_flow.hpp.

namespace flowrun::asl {

struct ExecutionPosition;

/// How to run a state machine; the CLI fills it from its options.
struct ExecutionOptions {
  std::string machine_name;                ///< $$.StateMachine.Name and the run's workflow name
  std::vector<std::string> environment;    ///< the parent environment, `NAME=value`
  const Bindings* bindings = nullptr;      ///< Task resource -> local action
  const MockTestCase* mocks = nullptr;     ///< mocked Task answers (states named there only)
  Duration kill_grace{5000};               ///< SIGTERM -> SIGKILL for stopped Task processes
  std::uint64_t seed = 0;                  ///< for retry jitter; 0 = random
  std::size_t max_payload_bytes = 262144;  ///< States.DataLimitExceeded above this (256 KiB)
  /// Stop the execution `waiting` once only task tokens are awaited (nothing else can run).
  bool no_wait = false;
  /// Continue a recorded execution from where it stood (execution_position.hpp), not start.
  const ExecutionPosition* resume = nullptr;
};

/// One event of the execution history, named as in Step Functions (`TaskStateEntered` ...).
struct HistoryEvent {
  std::int64_t at_ms = 0;
  std::string_view type;   ///< a static string
  std::string_view state;  ///< the state's name (owned by the machine); empty for the execution
  bool state_is_plain = false;  ///< `state` needs no escape in JSON text (StateFacts::plain_name)
  /// The frame: "" at the top level, "2" for Parallel branch / Map iteration 2 of it, "2.0"
  /// nested; valid only during ExecutionRecorder::event.
  std::string_view frame;
  int attempt = 0;     ///< Task events: 1-based attempt of the state execution
  std::string detail;  ///< a JSON object: input, output, error, cause, index ...
};

/// One state execution, as the run summary's `steps` lists it.
struct StateRun {
  const State* state = nullptr;
  std::int64_t item_index = -1;  ///< index of the innermost Map iteration; -1 outside Map
  StepStatus status = StepStatus::Running;
  int attempts = 0;    ///< Task processes or mocked answers tried
  int exit_code = -1;  ///< of the last process; -1 when none ran
  std::int64_t started_ms = 0;
  std::int64_t ended_ms = 0;
  SparseText log_path;  ///< of the last attempt; empty when none
  SparseText error;
  SparseText cause;
};

/// The state executions of a run, in the order they started.
using StateRuns = ChunkedVector<StateRun>;

/// One Task attempt that starts or ends (for the attempts table and `flowrun logs`).
struct TaskAttempt {
  std::size_t step = 0;  ///< index in the execution's state runs
  std::string_view state;
  std::int64_t item_index = -1;
  int attempt = 0;
  pid_t pgid = 0;  ///< 0 when nothing runs (mocked)
  std::string_view log_path;
  StepStatus status = StepStatus::Running;
  int exit_code = -1;
};

/// A callback Task that waits for its task token.
struct WaitingTask {
  std::string_view state;
  std::int64_t item_index = -1;
  std::string token;
};

/// Where an execution is recorded. Events arrive in order; implementations buffer them and
/// write in `flush()` (called when the loop is about to sleep) and at the end.
class ExecutionRecorder {
 public:
  virtual ~ExecutionRecorder() = default;
  virtual void execution_started(const RunState& state) = 0;
  virtual void event(HistoryEvent&& event) = 0;
  /// An event whose detail is `head` + `body` + `}` (a state's input or output in an
  /// object; `event.detail` is empty): a recorder that keeps text writes the pieces where
  /// they go. The default joins them for event().
  virtual void wrapped_event(const HistoryEvent& event, std::string_view head,
                             std::string_view body);
  virtual void attempt_started(const TaskAttempt& attempt) = 0;
  virtual void attempt_finished(const TaskAttempt& attempt) = 0;
  virtual void execution_finished(const RunState& state, const StateRuns& states) = 0;
  /// Writes what is buffered, or returns within how many ms it wants to be called (-1: none).
  virtual std::int64_t flush() { return -1; }
};

/// Records nothing: `run --no-history`. (Keeping the events in memory for nobody to read
/// made a long loop's memory grow by ~100 bytes a transition more.)
class NullRecorder : public ExecutionRecorder {
 public:
  void execution_started(const RunState&) override {}
  void event(HistoryEvent&&) override {}
  void wrapped_event(const HistoryEvent&, std::string_view, std::string_view) override {}
  void attempt_started(const TaskAttempt&) override {}
  void attempt_finished(const TaskAttempt&) override {}
  void execution_finished(const RunState&, const StateRuns&) override {}
};

/// Keeps every event in memory (tests, benchmarks).
class MemoryRecorder : public ExecutionRecorder {
 public:
  void execution_started(const RunState&) override {}
  void event(HistoryEvent&& event) override {
    event.frame = {};  // a view into the execution, which ends before the events are read
    events.push_back(std::move(event));
  }
  void wrapped_event(const HistoryEvent& event, std::string_view head,
                     std::string_view body) override;
  void attempt_started(const TaskAttempt&) override {}
  void attempt_finished(const TaskAttempt&) override {}
  void execution_finished(const RunState&, const StateRuns&) override {}
  std::vector<HistoryEvent> events;
};

/// Watches an execution for display; every method has a do-nothing default.
class ExecutionObserver {
 public:
  virtual ~ExecutionObserver() = default;
  /// A state that does work (Task, Wait, Parallel, Map) started or ended; Pass, Choice,
  /// Succeed and Fail are not reported one by one (they are too many and too fast).
  virtual void state_started(const StateRun&) {}
  virtual void state_finished(const StateRun&) {}
  virtual void task_retrying(const StateRun&, const std::string& /*error*/,
                             std::int64_t /*delay_ms*/) {}
  virtual void execution_stopping(int /*signal*/) {}
  /// The loop is about to sleep: a good moment to flush buffered text.
  virtual void before_wait() {}
};

/// What an execution produced: the run (status, output, error, cause, times) and every
/// state execution in the order they started.
struct ExecutionResult {
  RunState run;
  StateRuns states;
  /// A run that stopped `waiting` (ExecutionOptions::no_wait): the tokens it waits for.
  std::vector<WaitingTask> waiting;
};

/// Runs `machine` on `input` to its end. `run` must carry run_id, workflow, file and
/// run_dir. Outcomes are data; throws flowrun::Error only when the environment fails
/// (signals, the run folder, the recorder). SIGINT/SIGTERM stop the execution (cancelled).
ExecutionResult run_state_machine(const StateMachine& machine, const nlohmann::json& input,
                                  RunState run, const ExecutionOptions& options,
                                  const RunFolder& folder, ExecutionRecorder& recorder,
                                  ExecutionObserver& observer);

/// A Task state that neither the bindings nor the mocks answer.
struct UnboundTask {
  const State* state = nullptr;
  std::string resource;
  bool item_reader = false;  ///< the resource is a Map's ItemReader's (never mocked)
};

/// Every Task state (in branches and Map processors too) that has no binding and is not
/// mocked, and every Map whose ItemReader has no binding, in definition order.
std::vector<UnboundTask> find_unbound_tasks(const StateMachine& machine, const Bindings* bindings,
                                            const MockTestCase* mocks);

}  // namespace flowrun::asl
