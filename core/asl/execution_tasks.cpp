#include <fcntl.h>
#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/asl/data_flow.hpp"
#include "core/asl/execution.hpp"
#include "core/asl/task_tokens.hpp"
#include "core/exec/output_file.hpp"
#include "core/exec/plugin_protocol.hpp"
#include "core/util/error.hpp"

namespace flowrun::asl {
namespace {

using nlohmann::json;

constexpr std::string_view kTokenSuffix = ".waitForTaskToken";
constexpr std::size_t kMaxStdoutBytes = 16 << 20;
constexpr std::size_t kCauseBytes = 4096;

std::string text_of(const json& value) {
  return value.is_string() ? value.get<std::string>() : dump(value);
}

bool is_blank(std::string_view text) {
  return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

}  // namespace

std::vector<std::string> action_argv(const TaskAction& action) {
  if (!action.argv.empty()) return action.argv;
  std::vector<std::string> argv = shell_argv(action.shell);
  argv.push_back(action.script);
  return argv;
}

bool write_whole_file(const std::string& path, std::string_view text) {
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return false;
  bool ok = true;
  for (std::size_t done = 0; done < text.size();) {
    ssize_t n = write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ok = false;
      break;
    }
    done += static_cast<std::size_t>(n);
  }
  return close(fd) == 0 && ok;
}

// The last bytes of a log (what the action wrote on stderr), trimmed, for a cause.
std::string log_tail(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return "";
  off_t size = lseek(fd, 0, SEEK_END);
  off_t from = std::max<off_t>(0, size - static_cast<off_t>(kCauseBytes));
  std::string text(static_cast<std::size_t>(size - from), '\0');
  ssize_t got = pread(fd, text.data(), text.size(), from);
  close(fd);
  text.resize(got > 0 ? static_cast<std::size_t>(got) : 0);
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ' || text.back() == '\r')) {
    text.pop_back();
  }
  return text;
}

std::pair<std::string, std::string> action_failure(std::string_view stdout_text,
                                                   std::string stderr_tail, ExitStatus exit) {
  json reported = json::parse(stdout_text, nullptr, false);
  if (reported.is_object() && reported.contains("Error")) {
    return {text_of(reported["Error"]),
            reported.contains("Cause") ? text_of(reported["Cause"]) : ""};
  }
  if (stderr_tail.empty()) {
    stderr_tail = exit.signal ? "killed by " + signal_name(exit.signal)
                              : fmt::format("exited with code {}", exit.exit_code);
  }
  return {"States.TaskFailed", std::move(stderr_tail)};
}

void Execution::run_task(std::uint32_t id) {
  Frame& frame = frames_[id];
  prepare_context(frame);
  const std::string& resource = frame.state->resource;
  // A token for callbacks, and for heartbeats (`flowrun task-heartbeat $FLOWRUN_TASK_TOKEN`).
  const json& definition = frame.state->definition;
  if (resource.ends_with(kTokenSuffix) || definition.contains("HeartbeatSeconds") ||
      definition.contains("HeartbeatSecondsPath")) {
    release_token(frame);
    frame.token = make_token();
    context_["Task"] = {{"Token", frame.token}};
  }
  json input = frame.state->jsonata
                   ? jsonata_arguments(frame)
                   : effective_input(frame.state->facts.data, frame.input, context_);
  context_.erase("Task");
  ++frame.attempt;
  StateRun& step = states_[frame.step];
  step.attempts = frame.attempt;
  std::int64_t invocation = invocations_[frame.state->name]++;
  std::string input_text = dump(input);
  if (input_text.size() > options_.max_payload_bytes) {
    return task_failed(
        id, "States.DataLimitExceeded",
        fmt::format("the input of Task '{}' is {} bytes after Parameters, more "
                    "than the {} bytes allowed",
                    frame.state->name, input_text.size(), options_.max_payload_bytes));
  }
  push_event("TaskScheduled", &frame,
             "{\"resource\":" + json(resource).dump() + ",\"parameters\":" + input_text + "}",
             frame.attempt);
  if (options_.mocks && options_.mocks->mocks(frame.state->name)) {
    push_event("TaskStarted", &frame, "{\"mocked\":true}", frame.attempt);
    const MockedResponse* response = options_.mocks->response(frame.state->name, invocation);
    if (!response) {
      return task_failed(id, "States.Runtime",
                         fmt::format("test case '{}' of {} has no mocked response for "
                                     "invocation {} of state '{}'",
                                     options_.mocks->test_case, options_.mocks->file, invocation,
                                     frame.state->name));
    }
    if (response->is_throw) return task_failed(id, response->error, response->cause);
    return task_succeeded(id, response->result);
  }
  const TaskAction* action = options_.bindings ? options_.bindings->find(resource) : nullptr;
  if (!action) {
    return task_failed(
        id, "States.Runtime",
        fmt::format("no binding for resource '{}' of Task '{}'", resource, frame.state->name));
  }
  if (!action->plugin.empty()) return run_plugin_task(id, *action, input, invocation + 1);
  spawn_task(id, *action, input_text, invocation + 1, action_argv(*action));
}

// Starts `argv` for the Task with `stdin_text` on its stdin (the effective input, or a
// plugin's request); `plugin` names an external plugin whose stdout is its response.
void Execution::spawn_task(std::uint32_t id, const TaskAction& action,
                           const std::string& stdin_text, std::int64_t number,
                           std::vector<std::string> argv, std::string plugin) {
  Frame& frame = frames_[id];
  // Read before anything starts: a bad value is a States.Runtime error of the state.
  const std::int64_t timeout = task_seconds(frame, "TimeoutSeconds", "TimeoutSecondsPath");
  const std::int64_t heartbeat = task_seconds(frame, "HeartbeatSeconds", "HeartbeatSecondsPath");
  const std::string& name = frame.state->name;
  const int file_number = static_cast<int>(number);
  TaskProcess process;
  process.frame = id;
  process.attempt = frame.attempt;
  attempt_file_path(folder_.path(), name, file_number, ".log", process.log_path);
  attempt_file_path(folder_.path(), name, file_number, ".stdout", process.stdout_path);
  std::string input_path, output_path;
  attempt_file_path(folder_.path(), name, file_number, ".input.json", input_path);
  attempt_file_path(folder_.path(), name, file_number, ".output", output_path);
  StateRun& step = states_[frame.step];
  step.log_path = process.log_path;
  if (!write_whole_file(input_path, stdin_text)) {
    return task_failed(id, "States.TaskFailed",
                       "cannot write the task input '" + input_path + "': " + std::strerror(errno));
  }
  std::string program = resolver_.resolve(argv[0]);
  if (program.empty()) {
    return task_failed(id, "States.TaskFailed",
                       "cannot start '" + argv[0] + "': not found on PATH");
  }
  std::vector<std::string> extra = {
      "FLOWRUN_RUN_ID=" + run_.run_id, "FLOWRUN_WORKFLOW=" + run_.workflow, "FLOWRUN_STEP=" + name,
      "FLOWRUN_ATTEMPT=" + std::to_string(frame.attempt), "FLOWRUN_OUTPUT=" + output_path};
  if (frame.item_index >= 0) {
    extra.push_back("FLOWRUN_ITEM_INDEX=" + std::to_string(frame.item_index));
    if (frame.item_text) extra.push_back("FLOWRUN_ITEM=" + *frame.item_text);
  }
  if (!frame.token.empty()) extra.push_back("FLOWRUN_TASK_TOKEN=" + frame.token);
  process.started_ns = monotonic_ns();
  SpawnResult started = spawn_action(action, program, argv, extra, process, input_path);
  if (started.error != 0) {
    return task_failed(id, "States.TaskFailed",
                       "cannot start '" + argv[0] + "': " + std::strerror(started.error));
  }
  frame.status = FrameStatus::Busy;
  process.generation = ++frame.generation;
  process.pid = started.pid;
  process.callback = !frame.token.empty() && frame.state->resource.ends_with(kTokenSuffix);
  process.plugin = std::move(plugin);
  processes_.push_back(process);
  // A callback's token is recorded: a resumed run waits for it again.
  push_event("TaskStarted", &frame,
             process.callback
                 ? fmt::format("{{\"pid\":{},\"token\":{}}}", started.pid, json(frame.token).dump())
                 : fmt::format("{{\"pid\":{}}}", started.pid),
             frame.attempt);
  TaskAttempt attempt{frame.step,    name,        frame.item_index,
                      frame.attempt, started.pid, process.log_path};
  recorder_.attempt_started(attempt);
  if (timeout > 0) {
    timers_.push({process.started_ns + timeout * 1000000000, id, frame.generation,
                  TimerKind::TaskTimeout, 0});
  }
  frame.heartbeat_seconds = heartbeat;
  if (heartbeat > 0) {
    frame.heartbeat_due_ns = process.started_ns + heartbeat * 1000000000;
    timers_.push({frame.heartbeat_due_ns, id, frame.generation, TimerKind::Heartbeat, 0});
  }
  if (!frame.token.empty()) issue_token(id);
}

// Starts `program` with `argv` in the action's working directory and environment (+ `extra`),
// stdin from `input_path`, stderr then stdout into the process's log and stdout files.
SpawnResult Execution::spawn_action(const TaskAction& action, const std::string& program,
                                    std::vector<std::string>& argv, std::vector<std::string>& extra,
                                    const TaskProcess& process, const std::string& input_path) {
  std::vector<char*> args;
  for (std::string& arg : argv) args.push_back(arg.data());
  args.push_back(nullptr);
  std::string cwd = action.working_dir;
  if (cwd.empty()) {
    cwd = options_.bindings->dir;
  } else if (cwd.front() != '/') {
    cwd = options_.bindings->dir + "/" + cwd;
  }
  SpawnRequest request;
  request.program = program.c_str();
  request.argv = args.data();
  request.envp = environment_for(action).build({}, extra);
  request.cwd = cwd.c_str();
  request.log_path = process.log_path.c_str();
  request.stdout_path = process.stdout_path.c_str();
  request.stdin_path = input_path.c_str();
  return spawner_.spawn(request);
}

// TimeoutSeconds / HeartbeatSeconds of the Task, a literal or a reference path into the
// state's input; 0 when absent. A bad value is a States.Runtime error.
std::int64_t Execution::task_seconds(const Frame& frame, const char* field,
                                     const char* path_field) {
  if (frame.state->jsonata) return jsonata_task_seconds(frame, field);
  const json& definition = frame.state->definition;
  json value;
  if (auto literal = definition.find(field); literal != definition.end()) {
    value = *literal;
  } else if (auto path = definition.find(path_field); path != definition.end()) {
    value = select_reference(frame.input, path->get<std::string>(), context_, "States.Runtime");
  } else {
    return 0;
  }
  if (!value.is_number_integer() || value.get<std::int64_t>() <= 0) {
    throw AslError("States.Runtime", fmt::format("{} of Task '{}' must be a positive integer, "
                                                 "got {}",
                                                 field, frame.state->name, dump(value)));
  }
  return std::min(value.get<std::int64_t>(), kMaxDelayMs / 1000);
}

EnvironmentBuilder& Execution::environment_for(const TaskAction& action) {
  auto found = environments_.find(&action);
  if (found != environments_.end()) return *found->second;
  EnvList env;
  for (const auto& [name, value] : action.env) env.push_back(EnvVar{name, value, {}});
  auto builder = std::make_unique<EnvironmentBuilder>(options_.environment, env, EnvList{});
  return *environments_.emplace(&action, std::move(builder)).first->second;
}

void Execution::reap_children() {
  int status = 0;
  for (pid_t pid; (pid = waitpid(-1, &status, WNOHANG)) > 0;) {
    auto found = std::find_if(processes_.begin(), processes_.end(),
                              [&](const TaskProcess& process) { return process.pid == pid; });
    if (found == processes_.end()) continue;
    TaskProcess process = std::move(*found);
    *found = std::move(processes_.back());
    processes_.pop_back();
    // Background children of the action must not outlive it.
    signal_group(pid, SIGTERM);
    end_task_process(std::move(process), decode_wait_status(status));
  }
}

void Execution::end_task_process(TaskProcess process, ExitStatus exit) {
  if (process.item_reader) return item_reader_ended(std::move(process), exit);
  const bool current = !finished_ && !process.stopped &&
                       frames_[process.frame].generation == process.generation &&
                       frames_[process.frame].status == FrameStatus::Busy;
  std::string text = read_file_prefix(process.stdout_path.c_str(), kMaxStdoutBytes);
  std::string cause = log_tail(process.log_path);
  if (!text.empty()) {
    int fd = open_append(process.log_path.c_str());
    if (fd >= 0) {
      [[maybe_unused]] ssize_t ignored = write(fd, text.data(), text.size());
      close(fd);
    }
  }
  StepStatus status = exit.exit_code == 0 ? StepStatus::Succeeded : StepStatus::Failed;
  if (process.timed_out || process.heartbeat_timed_out) status = StepStatus::TimedOut;
  if (process.stopped) status = StepStatus::Cancelled;
  TaskAttempt attempt{
      0, "", -1, process.attempt, process.pid, process.log_path, status, exit.exit_code};
  if (current) {
    const Frame& frame = frames_[process.frame];
    attempt.step = frame.step;
    attempt.state = frame.state->name;
    attempt.item_index = frame.item_index;
    states_[frame.step].exit_code = exit.exit_code;
  }
  recorder_.attempt_finished(attempt);
  if (!current) return;
  const std::uint32_t id = process.frame;
  const std::string& name = frames_[id].state->name;
  if (process.timed_out) {
    task_failed(id, "States.Timeout", fmt::format("Task '{}' timed out (TimeoutSeconds)", name));
  } else if (process.heartbeat_timed_out) {
    task_failed(id, "States.HeartbeatTimeout",
                fmt::format("Task '{}' sent no heartbeat in time (HeartbeatSeconds)", name));
  } else if (!process.plugin.empty()) {
    plugin_task_ended(id, read_plugin_response(process.plugin, text, exit.exit_code));
  } else if (exit.exit_code != 0) {
    auto [error, failure_cause] = action_failure(text, std::move(cause), exit);
    task_failed(id, std::move(error), std::move(failure_cause));
  } else if (process.callback) {
    // The action only handed the token on: the state waits for task-success/failure.
    frames_[id].waiting_token = true;
  } else if (is_blank(text)) {
    task_succeeded(id, nullptr);
  } else {
    json result = json::parse(text, nullptr, false);
    if (result.is_discarded()) {
      task_failed(
          id, "States.Runtime",
          fmt::format("the output of Task '{}' is not JSON: {}", name, text.substr(0, 200)));
    } else {
      task_succeeded(id, std::move(result));
    }
  }
  if (frames_[id].status == FrameStatus::Ready) ready_.push_back(id);
}

void Execution::task_succeeded(std::uint32_t id, json result) {
  Frame& frame = frames_[id];
  release_token(frame);
  frame.waiting_token = false;
  std::string text = dump(result);
  // The developer guide: "the output of a connector is larger than payload size quota" is
  // States.DataLimitExceeded, even when ResultSelector or ResultPath would drop most of it.
  if (text.size() > options_.max_payload_bytes) {
    return task_failed(id, "States.DataLimitExceeded",
                       fmt::format("the result of Task '{}' is {} bytes, more than the {} bytes "
                                   "a Task may return",
                                   frame.state->name, text.size(), options_.max_payload_bytes));
  }
  states_[frame.step].error.clear();
  states_[frame.step].cause.clear();
  push_event("TaskSucceeded", &frame, "{\"output\":" + text + "}", frame.attempt);
  complete_state(id, result);
}

void Execution::task_failed(std::uint32_t id, std::string error, std::string cause) {
  Frame& frame = frames_[id];
  release_token(frame);
  frame.waiting_token = false;
  bool timed_out = error == "States.Timeout" || error == "States.HeartbeatTimeout";
  push_event(timed_out ? "TaskTimedOut" : "TaskFailed", &frame, error_detail(error, cause),
             frame.attempt);
  states_[frame.step].error = error;
  states_[frame.step].cause = cause;
  fail_state(id, std::move(error), std::move(cause));
}

void Execution::task_timer_fired(std::uint32_t id, bool heartbeat) {
  Frame& frame = frames_[id];
  if (heartbeat && monotonic_ns() < frame.heartbeat_due_ns) return;  // a heartbeat came
  for (TaskProcess& process : processes_) {
    if (process.frame == id && process.generation == frame.generation && !process.stopped) {
      (heartbeat ? process.heartbeat_timed_out : process.timed_out) = true;
      terminate(process);
      return;
    }
  }
  if (!heartbeat && stop_builtin_call(id, StepStatus::TimedOut)) {
    task_failed(id, "States.Timeout",
                fmt::format("Task '{}' timed out (TimeoutSeconds)", frame.state->name));
    if (frames_[id].status == FrameStatus::Ready) ready_.push_back(id);
    return;
  }
  // No process left: a callback waits for its token.
  if (heartbeat) {
    task_failed(
        id, "States.HeartbeatTimeout",
        fmt::format("Task '{}' sent no heartbeat in time (HeartbeatSeconds)", frame.state->name));
  } else {
    task_failed(id, "States.Timeout",
                fmt::format("Task '{}' timed out (TimeoutSeconds)", frame.state->name));
  }
  if (frames_[id].status == FrameStatus::Ready) ready_.push_back(id);
}

// SIGTERM to the process group now, SIGKILL after the grace period if it is still there.
void Execution::terminate(TaskProcess& process) {
  if (process.terminated) return;
  process.terminated = true;
  signal_group(process.pid, SIGTERM);
  timers_.push({monotonic_ns() + options_.kill_grace.milliseconds * 1000000, process.frame, 0,
                TimerKind::KillGrace, process.pid});
}

std::string Execution::make_token() {
  std::uniform_int_distribution<std::uint64_t> random;
  return fmt::format("{}.{}.{:016x}", run_.run_id, ++token_count_, random(rng_));
}

}  // namespace flowrun::asl

namespace flowrun::asl {

void Execution::issue_token(std::uint32_t id) {
  Frame& frame = frames_[id];
  mark_token_issued(run_.run_dir, frame.token);
  tokens_[frame.token] = id;
  if (!token_watch_.is_active()) {
    token_watch_.start(run_.run_dir, run_.run_id);
    read_token_answers();  // answers written before the watch existed
  }
}

void Execution::release_token(Frame& frame) {
  frame.waiting_token = false;
  if (frame.token.empty()) return;
  if (tokens_.erase(frame.token)) forget_token(run_.run_dir, frame.token);
  frame.token.clear();
}

void Execution::read_token_answers() {
  for (TokenAnswer& answer : take_token_answers(run_.run_dir)) {
    auto found = tokens_.find(answer.token);
    if (finished_ || found == tokens_.end()) continue;  // used, timed out or aborted
    const std::uint32_t id = found->second;
    Frame& frame = frames_[id];
    if (frame.status != FrameStatus::Busy || frame.token != answer.token) continue;
    if (answer.kind == TokenAnswer::Kind::Heartbeat) {
      if (frame.heartbeat_seconds > 0) {
        frame.heartbeat_due_ns = monotonic_ns() + frame.heartbeat_seconds * 1000000000;
        timers_.push({frame.heartbeat_due_ns, id, frame.generation, TimerKind::Heartbeat, 0});
      }
      continue;
    }
    // The answer decides; an action still running is left to end on its own (ignored).
    for (TaskProcess& process : processes_) {
      if (process.frame == id && process.generation == frame.generation) process.stopped = true;
    }
    if (answer.kind == TokenAnswer::Kind::Success) {
      task_succeeded(id, std::move(answer.output));
    } else {
      task_failed(id, std::move(answer.error), std::move(answer.cause));
    }
    if (frames_[id].status == FrameStatus::Ready) ready_.push_back(id);
  }
}

}  // namespace flowrun::asl
