#pragma once

#include <sys/types.h>

#include <cstdint>
#include <deque>
#include <memory>
#include <queue>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/asl/execution_position.hpp"
#include "core/asl/interpreter.hpp"
#include "core/asl/task_tokens.hpp"
#include "core/engine/event_loop.hpp"
#include "core/exec/builtin_plugins.hpp"
#include "core/exec/command.hpp"
#include "core/exec/environment.hpp"
#include "core/exec/spawn.hpp"

namespace flowrun::asl {

struct JsonataFields;
class StatesEnvironment;

/// The history event that enters / exits a state of `type` (`PassStateEntered` ...).
std::string_view entered_event_name(StateType type);
std::string_view exited_event_name(StateType type);
/// JSON text of `value` (invalid UTF-8 replaced, never throws).
std::string dump(const nlohmann::json& value);
/// `head` + `body` + `}`: an event detail such as `{"input":...}` in one allocation.
std::string wrap_json(std::string_view head, std::string_view body);
/// `{"error": ..., "cause": ...}` as JSON text, for history events.
std::string error_detail(const std::string& error, const std::string& cause);
/// The error output a Catcher (or a tolerated Map iteration) passes on: `{"Error", "Cause"}`,
/// leaving out a field that is empty, as the developer guide's Catch example and Step
/// Functions do for an error without a cause (the specification: "SHOULD contain" Cause).
nlohmann::json error_output(const std::string& error, const std::string& cause);
/// The argv of a `run` (the shell and its script) or `cmd` action.
std::vector<std::string> action_argv(const TaskAction& action);
/// Writes `text` to a new file at `path` (0600); false when that fails (errno says why).
bool write_whole_file(const std::string& path, std::string_view text);
/// The last bytes of the log at `path` (what an action wrote on stderr), trimmed.
std::string log_tail(const std::string& path);
/// Error and cause of an action that exited non-zero: `Error`/`Cause` of a JSON object on its
/// stdout, else States.TaskFailed with `stderr_tail` (or how it ended) as the cause.
std::pair<std::string, std::string> action_failure(std::string_view stdout_text,
                                                   std::string stderr_tail, ExitStatus exit);

/// The driver behind run_state_machine: one per execution, single-threaded. Every running
/// branch (the top level, a Parallel branch, a Map iteration) is a Frame; pure-data states
/// advance a frame synchronously, Task/Wait/Parallel/Map park it until the loop wakes it.
class Execution {
 public:
  Execution(const StateMachine& machine, RunState run, const ExecutionOptions& options,
            const RunFolder& folder, ExecutionRecorder& recorder, ExecutionObserver& observer);
  ~Execution();
  Execution(const Execution&) = delete;
  Execution& operator=(const Execution&) = delete;
  ExecutionResult run(const nlohmann::json& input);

 private:
  static constexpr std::uint32_t kNone = UINT32_MAX;
  enum class FrameStatus : std::uint8_t { Ready, Busy, Succeeded, Failed, Aborted };
  enum class TimerKind : std::uint8_t {
    Wait,
    Retry,
    TaskTimeout,
    Heartbeat,
    KillGrace,
    RunTimeout
  };

  // What a Parallel or Map state waits for: its child frames.
  struct Fanout {
    bool is_map = false;
    std::vector<nlohmann::json> inputs;  // per child, not yet started (Map)
    nlohmann::json results = nlohmann::json::array();
    std::vector<std::uint32_t> children;
    std::size_t next = 0;  // next child to start
    std::size_t running = 0;
    std::size_t finished = 0;
    std::size_t failed = 0;
    std::size_t limit = 0;  // 0: no limit
    bool has_tolerance = false;
    double tolerated_count = 0;
    double tolerated_percentage = 0;
    bool failing = false;  // a child failed: the state fails once the others stopped
    const FramePosition* resume = nullptr;  // a continued run: where its children stood
  };

  // The longest delay a timer takes (100 years): a Wait until the year 2999, or a retry
  // backoff grown past it, waits this long instead of overflowing the clock arithmetic.
  static constexpr std::int64_t kMaxDelayMs = 100LL * 366 * 24 * 3600 * 1000;

  struct Frame {
    const StateMachine* machine = nullptr;
    const State* state = nullptr;
    nlohmann::json input;    // raw input of `state`
    std::string input_text;  // its JSON text when known (the last state's output)
    std::uint32_t parent = kNone;
    std::uint32_t slot = 0;  // index among the parent's children
    std::int64_t item_index = -1;
    FrameStatus status = FrameStatus::Ready;
    bool entered = false;          // `state` was entered (a retry runs it again, not re-enters)
    std::uint32_t generation = 0;  // bumped when the frame moves on: stale timers are ignored
    std::size_t step = 0;          // index in states_ of the current state execution
    std::vector<int> retries;      // per retrier of the current state
    int retry_count = 0;
    int attempt = 0;  // Task attempt within the current state execution
    std::int64_t entered_ms = 0;
    std::int64_t exited_ms = 0;  // the previous state exited then (0: it did not just exit)
    nlohmann::json output;
    std::string error;
    std::string cause;
    // The Parallel state fails because one of its branches did: besides the branch's own
    // error name, ErrorEquals "States.BranchFailed" matches (specification, Appendix A).
    bool branch_failed = false;
    // State machine variables of this frame's scope (null until a state assigns one); a
    // branch or iteration starts with a copy of the enclosing frame's.
    nlohmann::json variables;
    // What the current state assigned, recorded with its exit (`assignedVariables`), from
    // which a redrive gives the scope back.
    nlohmann::json assigned;
    std::unique_ptr<Fanout> fanout;
    std::string token;           // a Task token while one is outstanding
    bool waiting_token = false;  // the callback action ended; the token decides
    std::int64_t heartbeat_seconds = 0;
    std::int64_t heartbeat_due_ns = 0;             // moved on by each heartbeat
    std::shared_ptr<const std::string> item_text;  // the Map item (FLOWRUN_ITEM)
    std::string key;  // "" at the top level, "slot" / "slot.slot" below (history events)
    const FramePosition* resume = nullptr;  // a continued run: where this frame stood
    std::int64_t wait_from_ms = 0;          // a continued Wait: its clock runs from here
  };

  struct TaskProcess {
    pid_t pid = -1;
    std::uint32_t frame = 0;
    std::uint32_t generation = 0;
    int attempt = 0;
    std::int64_t started_ns = 0;
    bool timed_out = false;
    bool heartbeat_timed_out = false;
    bool stopped = false;     // its frame was aborted: the result is ignored
    bool terminated = false;  // SIGTERM sent
    bool callback = false;
    std::string plugin;        // an external plugin: its stdout holds the response
    bool item_reader = false;  // a Map's ItemReader action: its stdout holds the items
    std::string stdout_path;
    std::string log_path;
  };

  // A built-in plugin call (http, llm, sqlite) that runs inside this loop.
  struct BuiltinCall {
    std::uint64_t key = 0;
    std::uint32_t frame = 0;
    std::uint32_t generation = 0;
    int attempt = 0;
    std::string log_path;
  };

  struct Timer {
    std::int64_t due_ns = 0;
    std::uint32_t frame = 0;
    std::uint32_t generation = 0;
    TimerKind kind = TimerKind::Wait;
    pid_t pid = 0;
    bool operator>(const Timer& other) const { return due_ns > other.due_ns; }
  };

  // execution.cpp: the loop, frames, transitions and pure states
  void advance(std::uint32_t id);
  void enter_state(Frame& frame);
  void run_state(std::uint32_t id);
  void run_pass(std::uint32_t id);
  void run_choice(std::uint32_t id);
  const State* choice_target(const Frame& frame, const nlohmann::json* rule);
  void run_succeed(std::uint32_t id);
  void run_fail(std::uint32_t id);
  void run_wait(std::uint32_t id);
  void wait_until(std::uint32_t id, nlohmann::json output, std::int64_t due_ms,
                  std::int64_t now_ms);
  void fail_frame_at_state(std::uint32_t id, std::string error, std::string cause);
  void complete_state(std::uint32_t id, const nlohmann::json& result);
  /// Fails the state with States.DataLimitExceeded and returns true when `input`, the state's
  /// input after Parameters, is over the payload quota (developer guide).
  bool parameters_too_large(std::uint32_t id, const nlohmann::json& input);
  /// `text`: the output's JSON text when the caller knows it (a state that passes its input
  /// on unchanged), so that it is not written again.
  void exit_state(std::uint32_t id, nlohmann::json output, const State* next = nullptr,
                  std::string text = {});
  void move_to(std::uint32_t id, const State* next, nlohmann::json input, std::string text);
  void end_frame(std::uint32_t id, FrameStatus status);
  void prepare_context(const Frame& frame);
  void assign(Frame& frame, const nlohmann::json& owner, const nlohmann::json& value);
  /// Waits for what the loop watches (processes, timers, signals, task tokens); with
  /// `poll_only`, only takes what has already happened.
  void wait_for_events(bool poll_only = false);
  void fire_timers();
  void stop_execution(RunStatus status, std::string error, std::string cause);
  void finish_run();
  void push_event(std::string_view type, const Frame* frame, std::string detail, int attempt = 0);
  void push_wrapped_event(std::string_view type, const Frame& frame, std::int64_t at_ms,
                          std::string_view head, std::string_view body);
  std::size_t open_step(Frame& frame);
  void close_step(Frame& frame, StepStatus status, std::int64_t ended_ms = now_epoch_ms());
  bool should_pause();
  void pause();

  // execution_resume.cpp: continuing a recorded execution (resume, redrive)
  void resume_root(const ExecutionPosition& position);
  void place_frame(std::uint32_t id, const FramePosition& position);
  void wait_for_token_again(std::uint32_t id, const FramePosition& position);
  const FramePosition* take_resume(Frame& frame);

  // execution_jsonata.cpp: states with QueryLanguage JSONata
  void run_jsonata(std::uint32_t id);
  void run_jsonata_pass(std::uint32_t id);
  void run_jsonata_choice(std::uint32_t id);
  void run_jsonata_fail(std::uint32_t id);
  void run_jsonata_wait(std::uint32_t id);
  void run_jsonata_map(std::uint32_t id);
  void start_jsonata_map_items(std::uint32_t id, nlohmann::json items);
  nlohmann::json jsonata_arguments(Frame& frame);
  nlohmann::json complete_jsonata(Frame& frame, const nlohmann::json& result);
  nlohmann::json catch_jsonata(Frame& frame, std::size_t catcher,
                               const nlohmann::json& error_output);
  std::int64_t jsonata_task_seconds(const Frame& frame, const char* field);
  void assign_jsonata(Frame& frame, const JsonataFields& fields,
                      const StatesEnvironment& environment);

  // execution_errors.cpp: Retry and Catch
  void fail_state(std::uint32_t id, std::string error, std::string cause);
  void evaluation_failed(std::uint32_t id, std::string error, std::string cause);
  bool try_retry(std::uint32_t id, const std::string& error, bool branch_failed);
  bool try_catch(std::uint32_t id, const std::string& error, const std::string& cause,
                 bool branch_failed);

  // execution_tasks.cpp: Task states
  void run_task(std::uint32_t id);
  void spawn_task(std::uint32_t id, const TaskAction& action, const std::string& stdin_text,
                  std::int64_t number, std::vector<std::string> argv, std::string plugin = {});
  void reap_children();
  void end_task_process(TaskProcess process, ExitStatus exit);
  void task_succeeded(std::uint32_t id, nlohmann::json result);
  void task_failed(std::uint32_t id, std::string error, std::string cause);
  void task_timer_fired(std::uint32_t id, bool heartbeat);
  void terminate(TaskProcess& process);
  std::string make_token();
  void issue_token(std::uint32_t id);
  void release_token(Frame& frame);
  void read_token_answers();
  SpawnResult spawn_action(const TaskAction& action, const std::string& program,
                           std::vector<std::string>& argv, std::vector<std::string>& extra,
                           const TaskProcess& process, const std::string& input_path);
  std::int64_t task_seconds(const Frame& frame, const char* field, const char* path_field);
  EnvironmentBuilder& environment_for(const TaskAction& action);

  // execution_plugins.cpp: Tasks bound to plugins (`uses` in the bindings)
  void run_plugin_task(std::uint32_t id, const TaskAction& action, const nlohmann::json& input,
                       std::int64_t number);
  void start_builtin_task(std::uint32_t id, const PluginCall& call, const TaskAction& action,
                          std::int64_t number);
  void plugin_task_ended(std::uint32_t id, const PluginResult& result);
  std::int64_t add_builtin_pollfds();
  void process_builtins(std::size_t first_fd);
  bool stop_builtin_call(std::uint32_t frame, StepStatus status);
  void cancel_builtin_calls();

  // execution_fanout.cpp: Parallel and Map
  void run_parallel(std::uint32_t id);
  void run_map(std::uint32_t id);
  void start_map_items(std::uint32_t id, const nlohmann::json& input, nlohmann::json items);
  void launch_map(std::uint32_t id, std::unique_ptr<Fanout> fanout, std::optional<double> limit,
                  std::optional<double> count, std::optional<double> percentage);
  void start_children(std::uint32_t id);
  void child_ended(std::uint32_t child);
  void fanout_done(std::uint32_t id);
  void abort_frame(std::uint32_t id);

  // execution_item_reader.cpp: Map items read by an ItemReader's bound action
  struct ItemRead {
    nlohmann::json input;   // the Map's effective input
    nlohmann::json reader;  // the ItemReader, its JSONata expressions already evaluated
    nlohmann::json items = nlohmann::json::array();
    int reads = 0;                              // actions run so far (MANIFEST: one per file)
    bool manifest_read = false;                 // MANIFEST: the data files are known
    std::vector<nlohmann::json> file_requests;  // MANIFEST: data files still to read
    std::vector<std::string> columns;           // MANIFEST: fileSchema
  };
  void start_item_reader(std::uint32_t id, nlohmann::json input);
  void begin_item_read(std::uint32_t id, nlohmann::json input, nlohmann::json reader,
                       const nlohmann::json& request);
  void spawn_item_reader(std::uint32_t id, const nlohmann::json& request);
  void item_reader_ended(TaskProcess process, ExitStatus exit);
  void items_read(std::uint32_t id, const std::string& text);

  const StateMachine& machine_;
  const ExecutionOptions& options_;
  const RunFolder& folder_;
  ExecutionRecorder& recorder_;
  ExecutionObserver& observer_;
  RunState run_;
  StateRuns states_;
  std::deque<Frame> frames_;
  std::vector<std::uint32_t> ready_;
  // Pure states (Pass, Choice ...) run back to back without the loop; after a slice of them
  // the frame yields, so TimeoutSeconds, SIGINT/SIGTERM and the history's periodic commit
  // still happen in a state machine that loops forever.
  std::vector<std::uint32_t> yielded_;
  std::uint32_t slice_transitions_ = 0;
  std::int64_t slice_started_ns_ = 0;
  std::vector<TaskProcess> processes_;
  std::unique_ptr<BuiltinRunner> builtins_;  // made by the first built-in plugin call
  std::vector<BuiltinCall> builtin_calls_;
  std::uint64_t builtin_keys_ = 0;
  std::priority_queue<Timer, std::vector<Timer>, std::greater<>> timers_;
  std::unordered_map<std::string, int> invocations_;        // per state name, over the execution
  std::unordered_map<std::uint32_t, ItemRead> item_reads_;  // per Map frame reading items
  std::unordered_map<const TaskAction*, std::unique_ptr<EnvironmentBuilder>> environments_;
  nlohmann::json context_;
  nlohmann::json* context_state_name_ = nullptr;
  nlohmann::json* context_entered_time_ = nullptr;
  nlohmann::json* context_retry_count_ = nullptr;
  std::int64_t entered_time_ms_ = -1;  // the ms context_entered_time_ was formatted for
  bool finished_ = false;
  TokenWatch token_watch_;  // watches the run's tokens folder once a token was issued
  std::unordered_map<std::string, std::uint32_t> tokens_;  // outstanding token -> frame
  std::uint64_t token_count_ = 0;
  bool recheck_tokens_ = false;  // answers given while no flowrun waited may be in the folder
  std::vector<WaitingTask> waiting_;
  std::mt19937_64 rng_;

  EventLoop loop_;
  Spawner spawner_;
  ProgramResolver resolver_;
  std::vector<pollfd> pollfds_;
  WakeUp wake_;
};

}  // namespace flowrun::asl
