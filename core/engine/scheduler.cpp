#include "core/engine/scheduler.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "core/engine/fan_out.hpp"
#include "core/engine/handlers.hpp"
#include "core/engine/retry_policy.hpp"
#include "core/load/param_values.hpp"
#include "core/load/secrets.hpp"
#include "core/util/text.hpp"

namespace flowrun {
namespace {

std::size_t parallel_limit(const Workflow& workflow, int jobs) {
  long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  std::size_t limit =
      jobs > 0 ? static_cast<std::size_t>(jobs) : static_cast<std::size_t>(std::max(1L, cpus));
  if (workflow.concurrency && *workflow.concurrency > 0) {
    limit = std::min(limit, static_cast<std::size_t>(*workflow.concurrency));
  }
  return limit;
}

std::string absolute_path(const std::string& path) {
  if (path.empty()) return {};
  return std::filesystem::absolute(path).lexically_normal().string();
}

bool counts_as_failure(StepStatus status) {
  return status == StepStatus::Failed || status == StepStatus::TimedOut ||
         status == StepStatus::UpstreamFailed;
}

}  // namespace

std::string unsupported_cause(const Step& step) {
  if (step.action.kind == ActionKind::Type) {
    StepType type = step.action.type;
    if (type != StepType::Noop && type != StepType::Pass && type != StepType::Fail &&
        type != StepType::Wait && type != StepType::Branch && type != StepType::Workflow &&
        type != StepType::Approval) {
      return "'type: " + std::string(to_string(type)) +
             "' is not supported yet by this build (issue 7)";
    }
  }
  if (step.action.kind == ActionKind::None) return "step '" + step.id + "' has no action";
  return {};
}

RunState run_workflow(const Workflow& workflow, const RunOptions& options, const RunFolder& folder,
                      RunRecorder& recorder, RunObserver& observer) {
  Scheduler scheduler(workflow, options, folder, recorder, observer);
  return scheduler.run();
}

Scheduler::Scheduler(const Workflow& workflow, const RunOptions& options, const RunFolder& folder,
                     RunRecorder& recorder, RunObserver& observer)
    : workflow_(workflow),
      options_(options),
      folder_(folder),
      recorder_(recorder),
      observer_(observer),
      dag_(workflow),
      spawner_(loop_.original_mask()),
      environment_(options.environment, workflow),
      commands_(workflow, std::string(environment_.base_value("PATH"))),
      rng_(options.seed ? options.seed : std::random_device{}()),
      expressions_(workflow, options.params, options.secrets),
      branches_(workflow),
      mask_(mask_values(workflow.params, options.params, options.secrets)) {
  const std::size_t n = workflow.steps.size();
  state_.run_id = folder.run_id();
  state_.workflow = workflow.name;
  state_.file = absolute_path(workflow.file);
  state_.run_dir = folder.path();
  state_.params = options.params;
  state_.steps.resize(n);
  needs_.resize(n);
  decided_.assign(n, 0);
  limit_ = parallel_limit(workflow, options.jobs);
  main_count_ = handlers_from(workflow);
  expressions_.set_props_reader(options.read_props);
  slots_.reserve(limit_);
  std::string dir = absolute_path(workflow.dir);
  if (workflow.working_dir) {
    std::filesystem::path wd(*workflow.working_dir);
    base_dir_ = wd.is_absolute() ? wd.string() : absolute_path(dir + "/" + wd.string());
  } else {
    base_dir_ = dir;
  }
  plugin_search_ = {std::string(environment_.base_value("FLOWRUN_PLUGIN_PATH")), dir,
                    std::string(environment_.base_value("PATH"))};
  // FLOWRUN_STATE_DIR lets `flowrun props` in a step find the history (runs/<id>/../..).
  std::string state_dir = std::filesystem::path(folder.path()).parent_path().parent_path();
  extra_env_ = {"FLOWRUN_RUN_ID=" + state_.run_id, "FLOWRUN_WORKFLOW=" + workflow.name, "", "", "",
                "FLOWRUN_STATE_DIR=" + state_dir};
}

Scheduler::~Scheduler() { drop_opened_logs(); }

RunState Scheduler::run() {
  begin();
  while (true) {
    // Steps without a process finish inside start_ready and may make others ready.
    do {
      propagate();
      start_ready();
    } while (!finished_queue_.empty());
    if (finished_count_ == state_.steps.size() && slots_.empty() && hooks_.empty()) break;
    if (should_pause()) {
      paused_ = true;
      break;
    }
    // Nothing running and nothing to wait for: waiting would block forever.
    if (slots_.empty() && retrying_.empty() && hooks_.empty() && approvals_.empty() &&
        (ready_head_ == ready_.size() || timers_.empty())) {
      strand_remaining();
      break;
    }
    open_logs_ahead();
    wait_for_events();
  }
  end();
  return std::move(state_);
}

void Scheduler::start_from(RunState previous) {
  previous.steps.resize(state_.steps.size());
  state_.steps = std::move(previous.steps);
  state_.children = std::move(previous.children);
  state_.fan_outs = std::move(previous.fan_outs);
  state_.details = std::move(previous.details);
  state_.started_ms = previous.started_ms;
  state_.late = previous.late;  // kept steps that went late stay so in the summary
  state_.late_steps = std::move(previous.late_steps);
}

void Scheduler::begin() {
  if (state_.started_ms == 0) state_.started_ms = now_epoch_ms();
  expressions_.start(state_);
  if (expressions_.has_workflow_env()) {
    environment_ = EnvironmentBuilder(options_.environment, expressions_.workflow_env(),
                                      expressions_.defaults_env());
    for (const EnvList* list : {&expressions_.workflow_env(), &expressions_.defaults_env()}) {
      for (const EnvVar& var : *list) base_has_secret_ |= contains_secret(var.value, mask_);
    }
  }
  recorder_.run_started(state_);
  observer_.run_started(state_);
  if (workflow_.timeout) {
    timers_.push(
        {monotonic_ns() + workflow_.timeout->milliseconds * 1000000, 0, 0, TimerKind::RunTimeout});
  }
  // Every count first: the last kept main step releases the handlers, which read them.
  for (std::uint32_t i = 0; i < state_.steps.size(); ++i) {
    needs_[i].total = static_cast<std::int32_t>(dag_.need_count(i));
  }
  for (std::uint32_t i = 0; i < state_.steps.size(); ++i) {
    if (is_final(state_.steps[i].status)) {  // kept by a redrive: only its dependents hear
      decided_[i] = 1;
      ++finished_count_;
      finished_queue_.push_back(i);
      count_main_finished(i);
    } else if (needs_[i].total == 0 && !is_handler(i)) {
      schedule(i);
    }
  }
  start_late_timers();
  if (main_count_ == 0) count_main_finished(0);
}

// A step whose trigger rule says "run" still has to pass its `if:`.
void Scheduler::schedule(std::uint32_t step) {
  std::string cause;
  switch (expressions_.check_condition(step, state_, status_for(step), cause)) {
    case ConditionResult::Run:
      break;
    case ConditionResult::Skip:
      finish(step, StepStatus::Skipped, std::move(cause));
      return;
    case ConditionResult::Fail:
      state_.steps[step].started_ms = now_epoch_ms();
      finish(step, StepStatus::Failed, std::move(cause));
      return;
  }
  decided_[step] = 1;
  ready_.push_back(step);
  recorder_.step_scheduled(state_, step);
}

void Scheduler::finish(std::uint32_t step, StepStatus status, std::string cause) {
  if (state_.is_child(step)) {
    finish_child(step, status, std::move(cause));
    return;
  }
  decided_[step] = 1;
  if (!opened_logs_.empty()) drop_opened_logs_of(step);
  StepRecord& record = state_.steps[step];
  record.status = status;
  record.continued = workflow_.steps[step].continue_on_error &&
                     (status == StepStatus::Failed || status == StepStatus::TimedOut);
  if (record.started_ms != 0 && record.ended_ms == 0) record.ended_ms = now_epoch_ms();
  if (!cause.empty() && !mask_.empty()) cause = hide_secrets(std::move(cause), mask_);
  if (!cause.empty()) state_.details_of(step).cause = std::move(cause);
  if (counts_as_failure(status) && !record.continued && !is_handler(step)) {
    ++failed_count_;
    if (first_failed_ == UINT32_MAX) first_failed_ = step;
  }
  ++finished_count_;
  finished_queue_.push_back(step);
  recorder_.step_finished(state_, step);
  observer_.step_finished(state_, step);
  count_main_finished(step);
}

// Tells the dependents of every finished step; a final answer of a rule cascades through
// the same queue rather than by recursion, so a chain of 10 000 cannot overflow the stack.
void Scheduler::propagate() {
  for (std::size_t head = 0; head < finished_queue_.size(); ++head) {
    std::uint32_t done = finished_queue_[head];
    const StepRecord& record = state_.steps[done];
    for (std::uint32_t dependent : dag_.dependents(done)) {
      needs_[dependent].add(record.status, record.continued);
      if (decided_[dependent]) continue;
      if (branches_.is_branch(done)) {
        // A path the branch did not take is skipped whatever its trigger rule (Airflow's).
        if (std::string cause = branches_.not_taken(done, dependent, state_); !cause.empty()) {
          finish(dependent, StepStatus::Skipped, std::move(cause));
          continue;
        }
      }
      if (!may_start(dependent)) {
        finish(dependent, StepStatus::Cancelled, stop_cause());
        continue;
      }
      switch (evaluate_trigger(trigger_of(dependent), needs_[dependent])) {
        case TriggerDecision::Wait:
          break;
        case TriggerDecision::Run:
          schedule(dependent);
          break;
        case TriggerDecision::Skip:
          finish(dependent, StepStatus::Skipped);
          break;
        case TriggerDecision::UpstreamFailed:
          finish(dependent, StepStatus::UpstreamFailed);
          break;
      }
    }
  }
  finished_queue_.clear();
}

// While the run stops, only `always` steps may still start, and none after a second signal.
bool Scheduler::may_start(std::uint32_t step) const {
  if (hard_stop_) return false;
  if (is_handler(state_.step_of(step))) return true;  // they run because the run ended
  return stop_reason_ == StopReason::None || trigger_of(step) == TriggerRule::Always;
}

TriggerRule Scheduler::trigger_of(std::uint32_t step) const {
  return expressions_.trigger_of(state_.step_of(step));
}

// What success(), failure() and cancelled() say for a step: about its direct needs, as the
// trigger rules are.
expr::StatusFlags Scheduler::status_for(std::uint32_t step) const {
  const NeedCounts& needs = needs_[step];
  bool stopping = stop_reason_ != StopReason::None;
  return {needs.succeeded == needs.total && !stopping, needs.failed > 0, stopping};
}

const char* Scheduler::stop_cause() const {
  return stop_reason_ == StopReason::TimedOut ? "the run timed out" : "the run was cancelled";
}

bool Scheduler::needs_slot(std::uint32_t step) const {
  const Step& definition = definition_of(step);
  if (!may_start(step)) return false;
  if (is_fan_out(definition) && !state_.is_child(step)) return false;
  if (state_.is_child(step) && fan_runs_.at(state_.step_of(step)).over) return false;
  ActionKind kind = definition.action.kind;
  return (kind == ActionKind::Run || kind == ActionKind::Cmd || kind == ActionKind::Uses ||
          (kind == ActionKind::Type && definition.action.type == StepType::Workflow)) &&
         unsupported_cause(definition).empty();
}

void Scheduler::start_ready() {
  if (stop_reason_ != StopReason::None) {
    // While stopping, steps that will not run are ended at once, wherever they are queued.
    std::size_t kept = ready_head_;
    for (std::size_t i = ready_head_; i < ready_.size(); ++i) {
      if (needs_slot(ready_[i])) {
        ready_[kept++] = ready_[i];
      } else {
        start_without_process(ready_[i]);
      }
    }
    ready_.resize(kept);
  }
  while (ready_head_ < ready_.size()) {
    std::uint32_t step = ready_[ready_head_];
    if (!needs_slot(step)) {
      ++ready_head_;
      start_without_process(step);
      continue;
    }
    if (slots_.size() >= limit_) break;
    ++ready_head_;
    start_attempt(step);
  }
  if (ready_head_ == ready_.size()) {
    ready_.clear();
    ready_head_ = 0;
  }
}

void Scheduler::start_without_process(std::uint32_t step) {
  const Step& definition = definition_of(step);
  if (!may_start(step)) {
    finish(step, StepStatus::Cancelled, stop_cause());
    return;
  }
  if (state_.is_child(step) && fan_runs_.at(state_.step_of(step)).over) {
    finish(step, StepStatus::Cancelled,
           "not started: more children failed than the step tolerates");
    return;
  }
  StepRecord& record = state_.record_of(step);
  record.attempts = record.attempts_before + 1;
  record.started_ms = now_epoch_ms();
  std::string cause = unsupported_cause(definition);
  if (cause.empty() && is_fan_out(definition) && !state_.is_child(step)) {
    begin_fan_out(step);
  } else if (cause.empty() && definition.action.kind == ActionKind::Type &&
             definition.action.type == StepType::Wait) {
    begin_wait(step);
  } else if (cause.empty() && definition.action.kind == ActionKind::Type &&
             definition.action.type == StepType::Approval) {
    begin_approval(step);
  } else if (!cause.empty()) {
    finish(step, StepStatus::Failed, std::move(cause));
  } else if (definition.action.type == StepType::Fail) {
    const auto& config = definition.extra().type_config;
    std::string message = "the step is 'type: fail'";
    if (config.contains("cause") && config["cause"].is_string()) {
      message = config["cause"].get<std::string>();
    } else if (config.contains("error") && config["error"].is_string()) {
      message = config["error"].get<std::string>();
    }
    finish(step, StepStatus::Failed, std::move(message));
  } else if (definition.action.type == StepType::Branch) {
    take_branch(step);
  } else if (definition.action.type == StepType::Pass) {
    pass_outputs(step);
  } else {
    finish(step, StepStatus::Succeeded);
  }
}

// `type: pass` sets its `outputs` (strings may hold expressions; other values as JSON text).
void Scheduler::pass_outputs(std::uint32_t step) {
  const nlohmann::json& config = definition_of(step).extra().type_config;
  const auto given = config.find("outputs");
  StepOutputs outputs;
  if (given != config.end() && given->is_object()) {
    for (const auto& [key, value] : given->items()) {
      if (!value.is_string()) {
        outputs.emplace_back(key, value.dump());
        continue;
      }
      std::string cause;
      std::optional<std::string> text =
          expressions_.render_text(value.get<std::string>(), state_, cause);
      if (!text) {
        finish(step, StepStatus::Failed, "outputs." + key + ": " + cause);
        return;
      }
      outputs.emplace_back(key, std::move(*text));
    }
  }
  if (!outputs.empty()) state_.details_of(step).outputs = std::move(outputs);
  finish(step, StepStatus::Succeeded);
}

// A branch step records the ids it takes as its output `next`; its dependents read it.
void Scheduler::take_branch(std::uint32_t step) {
  Branches::Choice choice = branches_.choose(step, expressions_, state_);
  if (!choice.ok) {
    finish(step, StepStatus::Failed, std::move(choice.cause));
    return;
  }
  state_.details_of(step).outputs = {{"next", choice.next}};
  finish(step, StepStatus::Succeeded);
}

void Scheduler::wait_for_events() {
  const std::int64_t flush_in_ms = recorder_.flush();
  observer_.before_wait(state_);
  pollfds_.clear();
  for (const Slot& slot : slots_) {
    if (slot.stream_fd >= 0) pollfds_.push_back({slot.stream_fd, POLLIN, 0});
  }
  add_builtin_pollfds();
  add_approval_pollfd();
  std::int64_t timeout = -1;
  if (!timers_.empty()) timeout = std::max<std::int64_t>(0, timers_.top().due_ns - monotonic_ns());
  timeout = builtin_timeout_ns(timeout);
  if (flush_in_ms >= 0 && (timeout < 0 || timeout > flush_in_ms * 1000000)) {
    timeout = flush_in_ms * 1000000;
  }
  loop_.wait(pollfds_, timeout, wake_);
  for (int signal : wake_.stop_signals) {
    if (stop_reason_ == StopReason::None) {
      begin_stop(StopReason::Cancelled, signal);
    } else {
      if (state_.stop_signal == 0) state_.stop_signal = signal;
      stop_reason_ = StopReason::Cancelled;
      kill_everything();
    }
  }
  if (!pollfds_.empty()) read_streams(pollfds_);
  if (wake_.child_exited) reap_children();
  process_builtins();
  if (token_pollfd_ < pollfds_.size() && (pollfds_[token_pollfd_].revents & POLLIN)) {
    token_watch_.clear();
    read_approval_answers();
  }
  fire_timers();
}

void Scheduler::fire_timers() {
  const std::int64_t now = monotonic_ns();
  while (!timers_.empty() && timers_.top().due_ns <= now) {
    Timer timer = timers_.top();
    timers_.pop();
    if (timer.kind == TimerKind::RunTimeout) {
      // The run's timeout covers the main graph; its handlers run after it regardless.
      if (stop_reason_ == StopReason::None && !handlers_released_) {
        begin_stop(StopReason::TimedOut, 0);
      }
      continue;
    }
    if (timer.kind == TimerKind::Late) {
      check_late(timer.step);
      continue;
    }
    if (timer.kind == TimerKind::SensorCheck) {
      check_sensor(timer.step);
      continue;
    }
    if (timer.kind == TimerKind::HookTimeout) {
      hook_timed_out(static_cast<pid_t>(timer.attempt));
      continue;
    }
    if (timer.kind == TimerKind::ApprovalTimeout) {
      time_out_approval(timer.step);
      continue;
    }
    if (timer.kind == TimerKind::RetryDelay) {
      StepRecord& record = state_.record_of(timer.step);
      if (record.status != StepStatus::Retrying || record.attempts != timer.attempt) continue;
      std::erase(retrying_, timer.step);
      ready_.push_back(timer.step);
      continue;
    }
    Slot* slot = find_slot(timer.step, timer.attempt);
    if (!slot) continue;
    if (slot->builtin) {
      if (timer.kind != TimerKind::AttemptTimeout) continue;
      slot->timed_out = true;
      stop_builtin(timer.step, timer.attempt);
    } else if (timer.kind == TimerKind::AttemptTimeout && !slot->timed_out) {
      slot->timed_out = true;
      signal_group(slot->pid, SIGTERM);
      timers_.push({now + kill_grace_ns(definition_of(timer.step)), timer.step, timer.attempt,
                    TimerKind::KillGrace});
    } else if (timer.kind == TimerKind::KillGrace) {
      signal_group(slot->pid, SIGKILL);
    }
  }
}

void Scheduler::begin_stop(StopReason reason, int signal) {
  stop_reason_ = reason;
  drop_opened_logs();
  state_.stop_signal = signal;
  observer_.run_stopping(state_, signal);
  const std::int64_t now = monotonic_ns();
  std::vector<std::pair<std::uint32_t, int>> builtin_calls;
  for (Slot& slot : slots_) {
    const Step& definition = definition_of(slot.step);
    if (trigger_of(slot.step) == TriggerRule::Always || slot.stopped) continue;
    slot.stopped = true;
    if (slot.builtin) {
      builtin_calls.emplace_back(slot.step, slot.attempt);
      continue;
    }
    signal_group(slot.pid, SIGTERM);
    timers_.push({now + kill_grace_ns(definition), slot.step, slot.attempt, TimerKind::KillGrace});
  }
  for (auto [step, attempt] : builtin_calls) stop_builtin(step, attempt);
  end_approvals(stop_cause());
  std::vector<std::uint32_t> waiting;
  waiting.swap(retrying_);
  for (std::uint32_t step : waiting) {
    if (trigger_of(step) == TriggerRule::Always) {
      retrying_.push_back(step);
    } else {
      if (auto sensor = sensors_.find(step); sensor != sensors_.end()) {
        stop_probe(sensor->second, step);
      }
      finish(step, StepStatus::Cancelled, "the run was stopped before its next attempt");
    }
  }
}

// The second signal: nothing more runs, and every group is killed without grace.
void Scheduler::kill_everything() {
  hard_stop_ = true;
  std::vector<std::pair<std::uint32_t, int>> builtin_calls;
  for (Slot& slot : slots_) {
    slot.stopped = true;
    if (slot.builtin) builtin_calls.emplace_back(slot.step, slot.attempt);
    signal_group(slot.pid, SIGKILL);
  }
  for (auto [step, attempt] : builtin_calls) stop_builtin(step, attempt);
  stop_probes();
  stop_hooks(SIGKILL);
  for (std::uint32_t step : retrying_) {
    finish(step, StepStatus::Cancelled, "the run was stopped before its next attempt");
  }
  retrying_.clear();
}

// Only reachable when the graph has a cycle or an unknown need that validation would have
// reported; the steps left are ended rather than waited for forever.
void Scheduler::strand_remaining() {
  for (std::uint32_t i = 0; i < state_.steps.size(); ++i) {
    if (!decided_[i]) finish(i, StepStatus::Skipped, "its needs can never be met (a cycle?)");
  }
  propagate();
}

// The workflow's `outputs:` become the run's output; one that cannot be evaluated fails a run
// that had succeeded.
void Scheduler::finish_outputs() {
  if (workflow_.outputs.empty()) return;
  bool stopping = stop_reason_ != StopReason::None;
  std::string cause;
  state_.output = expressions_.render_outputs(
      state_, {failed_count_ == 0 && !stopping, failed_count_ > 0, stopping}, cause);
  if (!mask_.empty()) {
    state_.output = hide_secrets(state_.output, mask_);
    cause = hide_secrets(std::move(cause), mask_);
  }
  if (!cause.empty() && state_.status == RunStatus::Succeeded) {
    state_.status = RunStatus::Failed;
    state_.error = "OutputFailed";
    state_.cause = cause;
  }
}

void Scheduler::end() {
  drop_opened_logs();
  for (pid_t group : leftover_groups_) signal_group(group, SIGKILL);
  if (paused_) {
    // Not an end: the steps that finished stay recorded, the approvals wait in the history.
    state_.status = RunStatus::Waiting;
    state_.cause = pause_cause();
    if (options_.read_props) state_.props = hide_secrets(options_.read_props(), mask_);
    recorder_.run_finished(state_);
    observer_.run_finished(state_);
    return;
  }
  state_.ended_ms = now_epoch_ms();
  if (!handlers_released_) settle_status();
  if (options_.read_props) state_.props = hide_secrets(options_.read_props(), mask_);
  finish_outputs();
  recorder_.run_finished(state_);
  observer_.run_finished(state_);
}

// The run's status from its main graph (handlers do not change it).
void Scheduler::settle_status() {
  if (stop_reason_ == StopReason::Cancelled) {
    state_.status = RunStatus::Cancelled;
    state_.error = "Cancelled";
    state_.cause = state_.stop_signal ? "interrupted by " + signal_name(state_.stop_signal)
                                      : "the run was cancelled";
  } else if (stop_reason_ == StopReason::TimedOut) {
    state_.status = RunStatus::TimedOut;
    state_.error = "Timeout";
    state_.cause = "the run exceeded its timeout of " + format_duration(*workflow_.timeout);
  } else if (failed_count_ > 0) {
    state_.status = RunStatus::Failed;
    state_.error = "StepFailed";
    const StepRecord& record = state_.steps[first_failed_];
    state_.cause = fmt::format("step '{}' ended {}", workflow_.steps[first_failed_].id,
                               to_string(record.status));
    if (record.exit_code >= 0 && record.status != StepStatus::UpstreamFailed) {
      *state_.cause += fmt::format(" (exit code {})", record.exit_code);
    }
    // `type: fail` fails the run with its own error and cause.
    const Step& failed = workflow_.steps[first_failed_];
    if (failed.action.kind == ActionKind::Type && failed.action.type == StepType::Fail) {
      const nlohmann::json& config = failed.extra().type_config;
      if (config.contains("error") && config["error"].is_string())
        state_.error = config["error"].get<std::string>();
      if (config.contains("cause") && config["cause"].is_string())
        state_.cause = config["cause"].get<std::string>();
    }
  } else {
    state_.status = RunStatus::Succeeded;
  }
}

}  // namespace flowrun
