#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "core/engine/fan_out.hpp"
#include "core/engine/retry_policy.hpp"
#include "core/engine/scheduler.hpp"
#include "core/exec/output_file.hpp"
#include "core/load/param_values.hpp"

namespace flowrun {
namespace {

std::int64_t elapsed_ms(std::int64_t started_ns) { return (monotonic_ns() - started_ns) / 1000000; }

// A descriptor closed when it goes out of scope, unless released.
class OwnedFd {
 public:
  explicit OwnedFd(int fd) : fd_(fd) {}
  ~OwnedFd() {
    if (fd_ >= 0) close(fd_);
  }
  OwnedFd(const OwnedFd&) = delete;
  OwnedFd& operator=(const OwnedFd&) = delete;
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

}  // namespace

void Scheduler::start_attempt(std::uint32_t step) {
  const Step& definition = definition_of(step);
  StepRecord& record = state_.record_of(step);
  const int attempt = ++record.attempts;
  if (attempt == record.attempts_before + 1) record.started_ms = now_epoch_ms();
  record.status = StepStatus::Running;
  record.ended_ms = 0;
  OwnedFd log_fd(take_opened_log(step, attempt));
  const std::string& label = label_of(step);
  folder_.attempt_log_path(label, attempt, log_path_);
  folder_.attempt_output_path(label, attempt, output_path_);
  if (definition.action.kind == ActionKind::Uses) {
    start_plugin_attempt(step, attempt);
    return;
  }
  if (definition.action.kind == ActionKind::Type) {  // needs_slot: only `type: workflow`
    start_subworkflow_attempt(step, attempt);
    return;
  }
  std::string cause;
  const RenderedStep* rendered = nullptr;
  if (!expressions_.workflow_env_error().empty()) {
    fail_to_start(step, expressions_.workflow_env_error());
    return;
  }
  ItemScope scope;
  const ItemScope* item = item_scope_of(step, scope);
  if (expressions_.renders(state_.step_of(step))) {
    if (!expressions_.render(state_.step_of(step), state_, rendered_, cause, item)) {
      fail_to_start(step, cause);
      return;
    }
    rendered = &rendered_;
  }
  bool built =
      rendered ? commands_.build_with(definition, rendered->script, rendered->argv, command_, cause)
               : commands_.build(definition, command_, cause);
  if (!built) {
    fail_to_start(step, cause);
    return;
  }
  argv_.clear();
  for (std::string& arg : command_.argv) argv_.push_back(arg.data());
  argv_.push_back(nullptr);
  set_attempt_env(step, attempt);

  Slot slot;
  slot.step = step;
  slot.attempt = attempt;
  SpawnRequest request;
  request.program = command_.program.c_str();
  request.argv = argv_.data();
  std::span<std::string> extra = extra_env_;
  const bool handler = is_handler(state_.step_of(step));
  if ((rendered && !rendered->values.empty()) || item || handler) {
    // Expression values of the script travel as FLOWRUN_EXPR_n variables, never as code.
    attempt_env_.assign(extra_env_.begin(), extra_env_.end());
    if (rendered) {
      attempt_env_.insert(attempt_env_.end(), rendered->values.begin(), rendered->values.end());
    }
    if (item) {
      attempt_env_.push_back("FLOWRUN_ITEM=" + item_env_value(*item->item));
      attempt_env_.push_back("FLOWRUN_ITEM_INDEX=" + std::to_string(scope.index));
    }
    if (handler) {
      attempt_env_.push_back("FLOWRUN_RUN_STATUS=" + std::string(to_string(state_.status)));
    }
    extra = attempt_env_;
  }
  request.envp = environment_.build(rendered ? rendered->env : definition.env, extra);
  request.cwd = working_dir_for(rendered ? rendered->working_dir : definition.extra().working_dir);
  request.log_path = log_path_.c_str();
  if (definition.outputs == OutputsMode::Json) {
    attempt_file_path(folder_.path(), label, attempt, ".stdout", stdout_path_);
    request.stdout_path = stdout_path_.c_str();
  }
  int pipe_fds[2] = {-1, -1};
  // A step that can see a secret writes through flowrun, which hides it before the log.
  const bool masked = !mask_.empty() && sees_secret(rendered);
  if (options_.stream || masked) {
    if (pipe2(pipe_fds, O_CLOEXEC) != 0) {
      fail_to_start(step, std::string("cannot create a pipe: ") + std::strerror(errno));
      return;
    }
    slot.log_fd = log_fd.get() >= 0 ? log_fd.release() : open_append(log_path_.c_str());
    request.output_fd = pipe_fds[1];
  } else if (log_fd.get() >= 0) {
    request.output_fd = log_fd.get();  // the log, opened ahead
  }
  slot.started_ns = monotonic_ns();
  SpawnResult started = spawner_.spawn(request);
  if (pipe_fds[1] >= 0) close(pipe_fds[1]);
  if (started.error != 0) {
    if (pipe_fds[0] >= 0) close(pipe_fds[0]);
    if (slot.log_fd >= 0) close(slot.log_fd);
    fail_to_start(step, "cannot start '" + command_.argv[0] + "': " + std::strerror(started.error));
    return;
  }
  slot.pid = started.pid;
  if (masked) {
    maskers_.erase(slot.pid);
    maskers_.emplace(slot.pid, SecretMasker(mask_));
  }
  if (pipe_fds[0] >= 0) {
    fcntl(pipe_fds[0], F_SETFL, O_NONBLOCK);
    slot.stream_fd = pipe_fds[0];
  }
  attempt_running(slot);
}

// Records an attempt that started (a process, or a built-in call with pid -1) and arms its
// timeout: the step's, or the workflow's default.
void Scheduler::attempt_running(const Slot& slot) {
  slots_.push_back(slot);
  recorder_.attempt_started(state_, slot.step, slot.attempt, slot.pid > 0 ? slot.pid : 0);
  observer_.attempt_started(state_, slot.step, slot.attempt);
  const Step& definition = definition_of(slot.step);
  std::optional<Duration> timeout =
      definition.extra().timeout ? definition.extra().timeout : workflow_.defaults.timeout;
  if (timeout) {
    timers_.push({slot.started_ns + timeout->milliseconds * 1000000, slot.step, slot.attempt,
                  TimerKind::AttemptTimeout});
  }
}

// A spawn that failed is a failed attempt with the shell's "cannot execute" code, 127.
void Scheduler::fail_to_start(std::uint32_t step, const std::string& cause) {
  append_log_line(log_path_, mask_.empty() ? cause : hide_secrets(cause, mask_));
  StepRecord& record = state_.record_of(step);
  record.exit_code = 127;
  record.signal = 0;
  record.has_log = true;
  record.ended_ms = now_epoch_ms();
  AttemptResult result{record.attempts, 127, 0, StepStatus::Failed, 0, log_path_};
  recorder_.attempt_started(state_, step, record.attempts, 0);
  observer_.attempt_started(state_, step, record.attempts);
  recorder_.attempt_finished(state_, step, result);
  observer_.attempt_finished(state_, step, result);
  retry_or_finish(step, StepStatus::Failed, 127, cause);
}

void Scheduler::reap_children() {
  int status = 0;
  for (pid_t pid; (pid = waitpid(-1, &status, WNOHANG)) > 0;) {
    auto found = std::find_if(slots_.begin(), slots_.end(),
                              [&](const Slot& slot) { return slot.pid == pid; });
    if (found == slots_.end()) {
      if (hook_ended(pid, decode_wait_status(status))) continue;
      if (std::optional<std::uint32_t> unit = probe_of(pid)) {
        signal_group(pid, SIGTERM);  // what the check left in the background goes with it
        ExitStatus exit = decode_wait_status(status);
        probe_ended(*unit, exit.exit_code == 0,
                    exit.signal ? "killed by " + signal_name(exit.signal)
                                : "exit code " + std::to_string(exit.exit_code));
      }
      continue;
    }
    Slot slot = *found;
    *found = slots_.back();
    slots_.pop_back();
    if (slot.stream_fd >= 0) drain_stream(slot);
    flush_masker(slot);
    if (slot.stream_fd >= 0) close(slot.stream_fd);
    if (slot.log_fd >= 0) close(slot.log_fd);
    // Background children of the step must not outlive it: stop what is left of its group.
    if (signal_group(pid, SIGTERM)) leftover_groups_.push_back(pid);
    end_attempt(slot, decode_wait_status(status), {});
  }
}

void Scheduler::end_attempt(const Slot& slot, ExitStatus exit, std::string cause,
                            const PluginResult* plugin) {
  const std::uint32_t step = slot.step;
  StepRecord& record = state_.record_of(step);
  record.exit_code = exit.exit_code;
  record.signal = static_cast<std::uint8_t>(exit.signal);
  record.has_log = true;
  record.ended_ms = now_epoch_ms();
  StepStatus status = StepStatus::Succeeded;
  if (slot.timed_out) {
    status = StepStatus::TimedOut;
    const Step& definition = definition_of(step);
    Duration limit =
        definition.extra().timeout ? *definition.extra().timeout : *workflow_.defaults.timeout;
    cause =
        "attempt " + std::to_string(slot.attempt) + " timed out after " + format_duration(limit);
  } else if (exit.exit_code != 0) {
    status = slot.stopped ? StepStatus::Cancelled : StepStatus::Failed;
    if (exit.signal) cause = "killed by " + signal_name(exit.signal);
  }
  OutputsRead outputs;
  std::int64_t retry_after_ms = 0;
  if (definition_of(step).action.kind == ActionKind::Uses) {
    folder_.attempt_log_path(label_of(step), slot.attempt, log_path_);
    PluginResult read;
    if (!plugin) read = read_plugin_result(step, slot.attempt, exit.exit_code);
    const PluginResult& result = plugin ? *plugin : read;
    if (status == StepStatus::Succeeded || status == StepStatus::Failed) {
      if (result.ok) {
        outputs = plugin_outputs(result);
      } else {
        status = StepStatus::Failed;
        cause = result.cause;
        retry_after_ms = std::max<std::int64_t>(0, result.retry_after_ms);
        append_log_line(log_path_, cause);
      }
    }
  } else if (definition_of(step).action.kind == ActionKind::Type) {
    outputs = take_subworkflow_result(step, slot.attempt, status, cause);
  } else {
    outputs = take_outputs(step, slot.attempt);
  }
  if (!outputs.error.empty() && status == StepStatus::Succeeded) {
    status = StepStatus::Failed;
    cause = "outputs: " + outputs.error;
    append_log_line(log_path_, cause);
  }
  if (!mask_.empty()) {
    // What a step outputs is stored and passed on with its secrets hidden.
    for (auto& [key, value] : outputs.outputs) value = hide_secrets(std::move(value), mask_);
  }
  if (!outputs.outputs.empty()) state_.details_of(step).outputs = std::move(outputs.outputs);
  AttemptResult result{
      slot.attempt, exit.exit_code, exit.signal, status, elapsed_ms(slot.started_ns), log_path_};
  recorder_.attempt_finished(state_, step, result);
  observer_.attempt_finished(state_, step, result);
  if (status == StepStatus::Waiting) {  // a child run stopped for an approval (--no-wait)
    child_run_waits(step, std::move(cause));
    return;
  }
  retry_or_finish(step, status, exit.exit_code, std::move(cause), retry_after_ms);
}

// Reads what the attempt left in $FLOWRUN_OUTPUT, or on stdout for `outputs: json` (whose
// text is then added to the log, which saw only stderr).
OutputsRead Scheduler::take_outputs(std::uint32_t step, int attempt) {
  const Step& definition = definition_of(step);
  const std::string& label = label_of(step);
  folder_.attempt_log_path(label, attempt, log_path_);
  folder_.attempt_output_path(label, attempt, output_path_);
  if (definition.outputs != OutputsMode::Json) {
    OutputsRead read = read_outputs(output_path_.c_str());
    if (!mask_.empty()) hide_in_file(output_path_);
    return read;
  }
  attempt_file_path(folder_.path(), label, attempt, ".stdout", stdout_path_);
  std::string text = read_file_prefix(stdout_path_.c_str(), kMaxOutputBytes);
  if (!mask_.empty() && contains_secret(text, mask_)) {
    hide_in_file(stdout_path_);
    OutputsRead read = parse_json_outputs(text);
    text = hide_secrets(std::move(text), mask_);
    int fd = open_append(log_path_.c_str());
    if (fd >= 0) {
      [[maybe_unused]] ssize_t ignored = write(fd, text.data(), text.size());
      close(fd);
    }
    return read;
  }
  int fd = open_append(log_path_.c_str());
  if (fd >= 0) {
    [[maybe_unused]] ssize_t ignored = write(fd, text.data(), text.size());
    close(fd);
  }
  return parse_json_outputs(text);
}

void Scheduler::retry_or_finish(std::uint32_t step, StepStatus status, int exit_code,
                                std::string cause, std::int64_t min_delay_ms) {
  StepRecord& record = state_.record_of(step);
  const Step& definition = definition_of(step);
  bool may_continue =
      !hard_stop_ && (stop_reason_ == StopReason::None || trigger_of(step) == TriggerRule::Always);
  // A repeating step runs again while its `until` is false, instead of being retried.
  if (definition.extra().repeat && may_continue &&
      (status == StepStatus::Succeeded || status == StepStatus::Failed) &&
      repeat_step(step, status, cause)) {
    return;
  }
  const RetryPolicy& policy = effective_retry(workflow_, definition);
  const int attempts = record.attempts - record.attempts_before;  // a redrive starts afresh
  if (status == StepStatus::Succeeded || status == StepStatus::Cancelled || !may_continue ||
      !should_retry(policy, attempts, exit_code)) {
    if (status == StepStatus::Succeeded) cause.clear();
    const bool hook = (status == StepStatus::Failed || status == StepStatus::TimedOut) &&
                      definition.extra().on_failure_hook && !hard_stop_;
    std::string hook_cause = hook ? cause : std::string();
    finish(step, status, std::move(cause));
    if (hook) {
      start_hook(step, "on_failure", *definition.extra().on_failure_hook, status, exit_code,
                 hook_cause, 0);
    }
    return;
  }
  record.status = StepStatus::Retrying;
  // A server's Retry-After is a floor under the policy's delay, never a reason to retry.
  std::int64_t delay = std::max(retry_delay_ms(policy, attempts, rng_), min_delay_ms);
  if (definition.extra().on_retry_hook) {
    start_hook(step, "on_retry", *definition.extra().on_retry_hook, StepStatus::Retrying, exit_code,
               cause, delay);
  }
  recorder_.step_retrying(state_, step, delay);
  observer_.step_retrying(state_, step, delay);
  if (delay == 0) {
    ready_.push_back(step);
  } else {
    retrying_.push_back(step);
    timers_.push({monotonic_ns() + delay * 1000000, step, record.attempts, TimerKind::RetryDelay});
  }
}

void Scheduler::read_streams(const std::vector<pollfd>& fds) {
  for (const pollfd& ready : fds) {
    if (!(ready.revents & (POLLIN | POLLHUP | POLLERR))) continue;
    for (Slot& slot : slots_) {
      if (slot.stream_fd == ready.fd) {
        drain_stream(slot);
        break;
      }
    }
  }
}

// Copies what the pipe holds now to the log and the observer; closes it at end of file.
void Scheduler::drain_stream(Slot& slot) {
  char buffer[65536];
  for (;;) {
    ssize_t n = read(slot.stream_fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (n == 0 || errno != EAGAIN) {
        flush_masker(slot);
        close(slot.stream_fd);
        slot.stream_fd = -1;
      }
      return;
    }
    std::string_view bytes(buffer, static_cast<std::size_t>(n));
    if (auto masker = maskers_.find(slot.pid); masker != maskers_.end()) {
      bytes = masker->second.feed(bytes);
      if (bytes.empty()) continue;
    }
    if (slot.log_fd >= 0) {
      [[maybe_unused]] ssize_t ignored = write(slot.log_fd, bytes.data(), bytes.size());
    }
    if (options_.stream) observer_.step_output(state_, slot.step, bytes);
  }
}

// The end of a masked attempt's output: what the masker held back goes out now.
void Scheduler::flush_masker(const Slot& slot) {
  auto masker = maskers_.find(slot.pid);
  if (masker == maskers_.end()) return;
  std::string_view rest = masker->second.finish();
  if (!rest.empty()) {
    if (slot.log_fd >= 0) {
      [[maybe_unused]] ssize_t ignored = write(slot.log_fd, rest.data(), rest.size());
    }
    if (options_.stream) observer_.step_output(state_, slot.step, rest);
  }
  maskers_.erase(masker);
}

// Whether a secret reaches the step's process: through the workflow's env, or the step's
// rendered env, script values or argv.
bool Scheduler::sees_secret(const RenderedStep* rendered) const {
  if (base_has_secret_) return true;
  if (!rendered) return false;
  for (const std::string& value : rendered->values) {
    if (contains_secret(value, mask_)) return true;
  }
  for (const EnvVar& var : rendered->env) {
    if (contains_secret(var.value, mask_)) return true;
  }
  for (const std::string& arg : rendered->argv) {
    if (contains_secret(arg, mask_)) return true;
  }
  return false;
}

// Rewrites a file the step wrote ($FLOWRUN_OUTPUT, its JSON stdout) with secrets hidden.
void Scheduler::hide_in_file(const std::string& path) const {
  std::string text = read_file_prefix(path.c_str(), kMaxOutputBytes + 1);
  if (!contains_secret(text, mask_)) return;
  text = hide_secrets(std::move(text), mask_);
  int fd = ::open(path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
  if (fd < 0) return;
  [[maybe_unused]] ssize_t ignored = write(fd, text.data(), text.size());
  close(fd);
}

const char* Scheduler::working_dir_for(const std::optional<std::string>& working_dir) {
  if (!working_dir) return base_dir_.empty() ? nullptr : base_dir_.c_str();
  if (!working_dir->empty() && working_dir->front() == '/') {
    cwd_ = *working_dir;
    return cwd_.c_str();
  }
  cwd_ = base_dir_.empty() ? *working_dir : base_dir_ + "/" + *working_dir;
  return cwd_.c_str();
}

Scheduler::Slot* Scheduler::find_slot(std::uint32_t step, int attempt) {
  for (Slot& slot : slots_) {
    if (slot.step == step && slot.attempt == attempt) return &slot;
  }
  return nullptr;
}

std::int64_t Scheduler::kill_grace_ns(const Step& step) const {
  Duration grace = step.extra().kill_grace         ? *step.extra().kill_grace
                   : workflow_.defaults.kill_grace ? *workflow_.defaults.kill_grace
                                                   : options_.kill_grace;
  return grace.milliseconds * 1000000;
}

// FLOWRUN_STEP, FLOWRUN_ATTEMPT and FLOWRUN_OUTPUT (output_path_, set before) for what
// starts next on behalf of `unit`: its command, plugin, child run or sensor check.
void Scheduler::set_attempt_env(std::uint32_t unit, int attempt) {
  extra_env_[2].assign("FLOWRUN_STEP=").append(label_of(unit));
  extra_env_[3].assign("FLOWRUN_ATTEMPT=").append(std::to_string(attempt));
  extra_env_[4].assign("FLOWRUN_OUTPUT=").append(output_path_);
}

}  // namespace flowrun
