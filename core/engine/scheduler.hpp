#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <queue>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/asl/task_tokens.hpp"
#include "core/engine/approvals.hpp"
#include "core/engine/branching.hpp"
#include "core/engine/dag.hpp"
#include "core/engine/engine.hpp"
#include "core/engine/event_loop.hpp"
#include "core/engine/sensors.hpp"
#include "core/engine/step_expressions.hpp"
#include "core/engine/trigger_rules.hpp"
#include "core/exec/builtin_plugins.hpp"
#include "core/exec/command.hpp"
#include "core/exec/environment.hpp"
#include "core/exec/plugin_discovery.hpp"
#include "core/exec/secret_mask.hpp"
#include "core/exec/spawn.hpp"

namespace flowrun {

/// The native DAG driver behind run_workflow: one per run, single-threaded. Work is linear
/// in steps + edges: a ready queue, per-step need counters, and no scan of all steps.
class Scheduler {
 public:
  Scheduler(const Workflow& workflow, const RunOptions& options, const RunFolder& folder,
            RunRecorder& recorder, RunObserver& observer);
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;
  RunState run();
  /// Starts from a state made by prepare_redrive instead of an empty one (before `run`).
  void start_from(RunState previous);

 private:
  // The unit of notes about the whole run (RunLate): past every step and child.
  static constexpr std::uint32_t kRunUnit = UINT32_MAX;

  // A running attempt; there are at most `limit_` of them. `step` here, in timers, in the
  // ready and retrying queues is a unit index (RunState): a step, or a fan-out child.
  struct Slot {
    pid_t pid = -1;
    std::uint32_t step = 0;
    int attempt = 0;
    std::int64_t started_ns = 0;
    int stream_fd = -1;
    int log_fd = -1;
    bool timed_out = false;
    bool stopped = false;
    bool builtin = false;  // a built-in plugin call: no process, pid is -1
  };
  enum class TimerKind : std::uint8_t {
    AttemptTimeout,
    KillGrace,
    RetryDelay,
    RunTimeout,
    SensorCheck,
    Late,
    HookTimeout,  // `attempt` holds the hook's pid
    ApprovalTimeout
  };
  struct Timer {
    std::int64_t due_ns = 0;
    std::uint32_t step = 0;
    int attempt = 0;
    TimerKind kind = TimerKind::RunTimeout;
    bool operator>(const Timer& other) const { return due_ns > other.due_ns; }
  };
  enum class StopReason : std::uint8_t { None, Cancelled, TimedOut };

  // scheduler.cpp: the graph, the queue and the loop
  void begin();
  void schedule(std::uint32_t step);
  void finish(std::uint32_t step, StepStatus status, std::string cause = {});
  void propagate();
  void start_ready();
  bool may_start(std::uint32_t step) const;
  const char* stop_cause() const;
  bool needs_slot(std::uint32_t step) const;
  TriggerRule trigger_of(std::uint32_t step) const;
  expr::StatusFlags status_for(std::uint32_t step) const;
  void finish_outputs();
  void start_without_process(std::uint32_t step);
  void take_branch(std::uint32_t step);
  void pass_outputs(std::uint32_t step);
  void wait_for_events();
  void fire_timers();
  void begin_stop(StopReason reason, int signal);
  void kill_everything();
  void strand_remaining();
  void end();

  // fan_out_steps.cpp: foreach and matrix children
  struct FanOutRun {
    nlohmann::json items;
    std::uint32_t next = 0;     // the next child to queue
    std::uint32_t running = 0;  // queued or running, not yet final
    std::uint32_t failed = 0;
    std::uint32_t limit = 0;  // max_parallel; 0 = none
    bool over = false;        // failures exceed the tolerance: queue no more
  };
  void begin_fan_out(std::uint32_t step);
  bool reuse_children(std::uint32_t step, std::size_t count);
  void queue_children(std::uint32_t step, FanOutRun& fan);
  void finish_child(std::uint32_t unit, StepStatus status, std::string cause);
  void end_fan_out(std::uint32_t step, FanOutRun& fan);
  const Step& definition_of(std::uint32_t unit) const {
    return workflow_.steps[state_.step_of(unit)];
  }
  const std::string& label_of(std::uint32_t unit);
  void set_attempt_env(std::uint32_t unit, int attempt);
  const nlohmann::json* item_of(std::uint32_t unit) const;
  /// The item scope of a fan-out child (filled into `scope`), or nullptr for other units.
  const ItemScope* item_scope_of(std::uint32_t unit, ItemScope& scope) const;

  // handler_steps.cpp: on_success / on_failure / on_cancel / on_exit after the main graph
  bool is_handler(std::uint32_t step) const {
    return step >= main_count_ && step < state_.steps.size();
  }
  void count_main_finished(std::uint32_t step);
  void release_handlers();
  void release_exit_handlers();
  void settle_status();
  void start_late_timers();
  void check_late(std::uint32_t unit);

  // repeat_steps.cpp: `repeat` (until, max, interval); true when it finished or requeued
  bool repeat_step(std::uint32_t step, StepStatus status, std::string& cause);

  // sensor_steps.cpp: `type: wait`
  struct SensorRun {
    SensorSpec spec;
    std::string path;              // the file, resolved
    std::int64_t target_ns = 0;    // duration / until: when the wait ends
    std::int64_t deadline_ns = 0;  // the step's timeout; 0 = none
    std::int64_t interval_ms = 0;  // grows by `backoff`
    FileProbe probe;
    pid_t probe_pid = -1;     // for.command: the check running now
    bool probe_http = false;  // for.http: a request is in flight
    int probes = 0;           // checks made, for the log
  };
  void begin_wait(std::uint32_t unit);
  void check_sensor(std::uint32_t unit);
  void end_wait(std::uint32_t unit, StepStatus status, std::string cause);
  // sensor_probes.cpp: for.command and for.http checks, run without blocking the loop
  void start_probe(std::uint32_t unit, SensorRun& run);
  bool start_command_probe(std::uint32_t unit, SensorRun& run, std::string& cause);
  void start_http_probe(std::uint32_t unit, SensorRun& run);
  /// A check ended: the wait ends when it was ready, else the next check is scheduled.
  void probe_ended(std::uint32_t unit, bool ready, const std::string& detail);
  /// The wait step of the check process `pid`, when it is one.
  std::optional<std::uint32_t> probe_of(pid_t pid) const;
  void stop_probe(SensorRun& run, std::uint32_t unit);
  void stop_probes();
  void schedule_sensor_check(std::uint32_t unit, SensorRun& run, std::int64_t now);

  // step_hooks.cpp: a step's on_failure / on_retry commands
  struct HookRun {
    pid_t pid = -1;
    std::uint32_t unit = 0;
    const char* kind = "";
    std::string log_path;
    bool timed_out = false;
  };
  /// Starts `script` for `unit`: `status` is what the failed attempt ended as (on_failure)
  /// or `retrying` (on_retry, `delay_ms` before the next attempt).
  void start_hook(std::uint32_t unit, const char* kind, const std::string& script,
                  StepStatus status, int exit_code, const std::string& cause,
                  std::int64_t delay_ms);
  /// True when `pid` was a hook's process (its end is then recorded).
  bool hook_ended(pid_t pid, ExitStatus exit);
  void hook_timed_out(pid_t pid);
  void stop_hooks(int signal);

  // subworkflow_steps.cpp: `type: workflow`, a child flowrun run of another workflow file
  void start_subworkflow_attempt(std::uint32_t step, int attempt);
  /// The child run's output as the step's outputs; a failed child fails the step with its
  /// cause.
  OutputsRead take_subworkflow_result(std::uint32_t step, int attempt, StepStatus& status,
                                      std::string& cause);
  const ChildRunLink* earlier_child_run(std::uint32_t step, int attempt);
  bool build_child_command(std::uint32_t step, int attempt, std::vector<std::string>& command,
                           std::string& cause);
  void child_run_waits(std::uint32_t step, std::string detail);
  void note_child_run(std::uint32_t step, const std::string& note);

  // approval_steps.cpp: `type: approval`
  void begin_approval(std::uint32_t unit);
  void add_approval_pollfd();
  void read_approval_answers();
  void time_out_approval(std::uint32_t unit);
  void apply_answer(std::uint32_t unit, const ApprovalAnswer& answer);
  void end_approvals(const std::string& cause);
  bool should_pause() const;
  std::string pause_cause();

  // attempts.cpp: processes
  void start_attempt(std::uint32_t step);
  void attempt_running(const Slot& slot);
  void end_attempt(const Slot& slot, ExitStatus exit, std::string cause,
                   const PluginResult* plugin = nullptr);
  OutputsRead take_outputs(std::uint32_t step, int attempt);
  void retry_or_finish(std::uint32_t step, StepStatus status, int exit_code, std::string cause,
                       std::int64_t min_delay_ms = 0);
  void reap_children();
  void read_streams(const std::vector<pollfd>& fds);
  void drain_stream(Slot& slot);
  void flush_masker(const Slot& slot);
  bool sees_secret(const RenderedStep* rendered) const;
  void hide_in_file(const std::string& path) const;
  void fail_to_start(std::uint32_t step, const std::string& cause);
  const char* working_dir_for(const std::optional<std::string>& working_dir);
  Slot* find_slot(std::uint32_t step, int attempt);
  std::int64_t kill_grace_ns(const Step& step) const;

  // log_ahead.cpp: log files created while the loop would sleep, not in the spawned child
  struct OpenedLog {
    std::uint32_t step = 0;
    int attempt = 0;
    int fd = -1;
  };
  void open_logs_ahead();
  void open_log_ahead(std::uint32_t step);
  /// The descriptor opened ahead for this attempt (the caller closes it), or -1.
  int take_opened_log(std::uint32_t step, int attempt);
  void drop_opened_log(std::size_t index);
  void drop_opened_logs_of(std::uint32_t step);
  void drop_opened_logs();
  // plugin_attempts.cpp: `uses:` steps (external processes and built-in calls)
  void start_plugin_attempt(std::uint32_t step, int attempt);
  bool plugin_call_for(std::uint32_t step, int attempt, PluginCall& call, std::string& cause);
  void start_builtin(std::uint32_t step, int attempt, const PluginCall& call);
  void start_external(std::uint32_t step, int attempt, const PluginCall& call);
  PluginResult read_plugin_result(std::uint32_t step, int attempt, int exit_code);
  void add_builtin_pollfds();
  std::int64_t builtin_timeout_ns(std::int64_t timeout) const;
  void process_builtins();
  void stop_builtin(std::uint32_t step, int attempt);

  const Workflow& workflow_;
  const RunOptions& options_;
  const RunFolder& folder_;
  RunRecorder& recorder_;
  RunObserver& observer_;
  RunState state_;
  Dag dag_;
  std::vector<NeedCounts> needs_;
  std::vector<std::uint8_t> decided_;  // the trigger rule has given its answer
  std::vector<std::uint32_t> ready_;
  std::size_t ready_head_ = 0;
  std::vector<std::uint32_t> finished_queue_;  // finished, dependents not yet told
  std::vector<std::uint32_t> retrying_;        // waiting for a retry delay
  std::vector<Slot> slots_;
  std::priority_queue<Timer, std::vector<Timer>, std::greater<>> timers_;
  std::vector<pid_t> leftover_groups_;
  std::unordered_map<std::uint32_t, FanOutRun> fan_runs_;
  std::unordered_map<std::uint32_t, SensorRun> sensors_;
  std::vector<HookRun> hooks_;  // hook processes still running: the run waits for them
  std::unordered_map<std::uint32_t, std::string> approvals_;  // waiting unit -> its token
  asl::TokenWatch token_watch_;          // started by the first approval that waits
  std::size_t token_pollfd_ = SIZE_MAX;  // where token_watch_ sits in pollfds_
  bool paused_ = false;                  // --no-wait: the run stops, waiting for an approval
  std::unordered_map<std::uint32_t, std::string> waiting_children_;  // unit -> its child run
  std::size_t main_count_ = 0;  // steps before the appended handlers
  std::size_t main_finished_ = 0;
  std::size_t first_handlers_left_ = 0;  // on_success/on_failure/on_cancel not yet final
  bool handlers_released_ = false;
  bool late_released_ = false;  // on_late handlers were started
  std::string label_;           // reused by label_of
  std::size_t finished_count_ = 0;
  std::size_t failed_count_ = 0;
  std::uint32_t first_failed_ = UINT32_MAX;
  std::size_t limit_ = 1;
  StopReason stop_reason_ = StopReason::None;
  bool hard_stop_ = false;

  EventLoop loop_;
  Spawner spawner_;
  EnvironmentBuilder environment_;
  CommandBuilder commands_;
  std::mt19937_64 rng_;
  std::string base_dir_;
  // Buffers reused by every attempt, so a spawn does not allocate.
  Command command_;
  std::vector<char*> argv_;
  std::string log_path_;
  std::string output_path_;
  std::string cwd_;
  std::vector<std::string> extra_env_;
  std::vector<pollfd> pollfds_;
  WakeUp wake_;
  StepExpressions expressions_;
  Branches branches_;
  // Secrets: the values hidden as ***, whether every step sees one (through the workflow's
  // env), and the maskers of the attempts whose output goes through flowrun for them.
  std::vector<std::string> mask_;
  bool base_has_secret_ = false;
  std::unordered_map<pid_t, SecretMasker> maskers_;
  RenderedStep rendered_;
  std::vector<std::string> attempt_env_;
  std::string stdout_path_;
  std::vector<OpenedLog> opened_logs_;
  std::string ahead_path_;
  PluginSearch plugin_search_;
  std::unique_ptr<BuiltinRunner> builtins_;  // made when the first built-in call starts
  std::vector<pollfd> builtin_fds_;
};

}  // namespace flowrun
