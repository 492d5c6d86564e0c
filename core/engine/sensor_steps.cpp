// `type: wait`: a duration, an instant (`until`), a file (`for.file`), a command that exits 0
// (`for.command`) or a URL that answers 2xx (`for.http`), waited for with event-loop timers,
// so a waiting step costs no CPU between checks (sensor_probes.cpp runs the last two). The step's
// `timeout` bounds the wait; `soft_fail` makes running out of it `skipped` instead of `timed_out`.
// While it waits the step sits in the retrying queue, so a cancel ends it like a retry delay.
#include <fmt/format.h>

#include <algorithm>

#include "core/engine/scheduler.hpp"

namespace flowrun {
namespace {

bool is_probe(SensorSpec::Kind kind) {
  return kind == SensorSpec::Kind::Command || kind == SensorSpec::Kind::Http;
}

}  // namespace

void Scheduler::begin_wait(std::uint32_t unit) {
  const Step& definition = definition_of(unit);
  std::string cause;
  nlohmann::json config = definition.extra().type_config;
  // `until: ${{ ... }}`: the instant is known once the step starts (a param, an output).
  if (auto until = config.find("until");
      until != config.end() && until->is_string() &&
      until->get_ref<const std::string&>().find("${{") != std::string::npos) {
    std::optional<std::string> instant =
        expressions_.render_text(until->get<std::string>(), state_, cause);
    if (!instant) {
      finish(unit, StepStatus::Failed, "wait: until: " + cause);
      return;
    }
    *until = *instant;
  }
  std::optional<SensorSpec> spec = read_sensor(config, cause);
  if (!spec) {
    finish(unit, StepStatus::Failed, std::move(cause));
    return;
  }
  const std::int64_t now = monotonic_ns();
  SensorRun run;
  run.spec = std::move(*spec);
  run.interval_ms = run.spec.interval_ms;
  std::optional<Duration> timeout =
      definition.extra().timeout ? definition.extra().timeout : workflow_.defaults.timeout;
  if (timeout) run.deadline_ns = now + timeout->milliseconds * 1000000;
  std::string note;
  switch (run.spec.kind) {
    case SensorSpec::Kind::Duration:
      run.target_ns = now + run.spec.duration_ms * 1000000;
      note = "waiting " + format_duration(Duration{run.spec.duration_ms});
      break;
    case SensorSpec::Kind::Until:
      run.target_ns = now + std::max<std::int64_t>(0, run.spec.until_ms - now_epoch_ms()) * 1000000;
      note = "waiting until " + format_timestamp(run.spec.until_ms);
      break;
    case SensorSpec::Kind::File:
      run.path =
          run.spec.path.front() == '/'
              ? run.spec.path
              : std::string(working_dir_for(definition.extra().working_dir)) + "/" + run.spec.path;
      note = fmt::format("waiting for the file {}, checking every {}", run.path,
                         format_duration(Duration{run.interval_ms}));
      break;
    case SensorSpec::Kind::Command:
      note = fmt::format("waiting for {} to exit 0, checking every {}",
                         run.spec.command.is_string() ? run.spec.command.get<std::string>()
                                                      : run.spec.command.dump(),
                         format_duration(Duration{run.interval_ms}));
      break;
    case SensorSpec::Kind::Http:
      note = fmt::format("waiting for {} to answer 2xx, checking every {}", run.spec.url,
                         format_duration(Duration{run.interval_ms}));
      break;
  }
  state_.record_of(unit).status = StepStatus::Running;
  recorder_.step_note(state_, unit, "WaitStarted", note);
  observer_.step_note(state_, unit, "WaitStarted", note);
  const bool probing = is_probe(run.spec.kind);
  if (probing) {
    // The check's end schedules the next one; the deadline needs its own timer, for a
    // check that hangs.
    state_.record_of(unit).has_log = true;
    if (run.deadline_ns) {
      timers_.push(
          {run.deadline_ns, unit, state_.record_of(unit).attempts, TimerKind::SensorCheck});
    }
  }
  sensors_[unit] = std::move(run);
  retrying_.push_back(unit);
  check_sensor(unit);
}

void Scheduler::check_sensor(std::uint32_t unit) {
  auto found = sensors_.find(unit);
  if (found == sensors_.end()) return;
  SensorRun& run = found->second;
  if (is_final(state_.record_of(unit).status)) {  // cancelled while it waited
    stop_probe(found->second, unit);
    sensors_.erase(found);
    return;
  }
  const std::int64_t now = monotonic_ns();
  const bool probing = is_probe(run.spec.kind);
  bool ready = false;
  if (run.spec.kind == SensorSpec::Kind::File) {
    ready = check_file(run.spec, run.path, now, run.probe);
  } else if (!probing) {
    ready = now >= run.target_ns;
  }
  if (ready) {
    end_wait(unit, StepStatus::Succeeded, {});
    return;
  }
  if (run.deadline_ns && now >= run.deadline_ns) {
    stop_probe(run, unit);
    const Step& definition = definition_of(unit);
    Duration limit =
        definition.extra().timeout ? *definition.extra().timeout : *workflow_.defaults.timeout;
    std::string what;
    switch (run.spec.kind) {
      case SensorSpec::Kind::File:
        what = fmt::format("the file {} was not ready", run.path);
        break;
      case SensorSpec::Kind::Command:
        what = fmt::format("the command did not exit 0 in {} checks", run.probes);
        break;
      case SensorSpec::Kind::Http:
        what = fmt::format("{} did not answer 2xx in {} checks", run.spec.url, run.probes);
        break;
      default:
        what = "the wait did not end";
    }
    std::string cause =
        fmt::format("wait: {} within its timeout of {}", what, format_duration(limit));
    if (run.spec.soft_fail) {
      end_wait(unit, StepStatus::Skipped, cause + " (soft_fail)");
    } else {
      end_wait(unit, StepStatus::TimedOut, std::move(cause));
    }
    return;
  }
  if (probing) {
    if (run.probe_pid < 0 && !run.probe_http) start_probe(unit, run);
    return;
  }
  if (run.spec.kind == SensorSpec::Kind::File) {
    schedule_sensor_check(unit, run, now);
    return;
  }
  std::int64_t next = run.target_ns;
  if (run.deadline_ns) next = std::min(next, run.deadline_ns);
  timers_.push({next, unit, state_.record_of(unit).attempts, TimerKind::SensorCheck});
}

// The next check of a file, command or URL after the interval, which then grows by `backoff`.
void Scheduler::schedule_sensor_check(std::uint32_t unit, SensorRun& run, std::int64_t now) {
  std::int64_t next = now + run.interval_ms * 1000000;
  run.interval_ms = std::max<std::int64_t>(
      1, static_cast<std::int64_t>(static_cast<double>(run.interval_ms) * run.spec.backoff));
  if (run.deadline_ns) next = std::min(next, run.deadline_ns);
  timers_.push({next, unit, state_.record_of(unit).attempts, TimerKind::SensorCheck});
}

void Scheduler::end_wait(std::uint32_t unit, StepStatus status, std::string cause) {
  std::erase(retrying_, unit);
  if (auto found = sensors_.find(unit); found != sensors_.end()) {
    stop_probe(found->second, unit);
    sensors_.erase(found);
  }
  finish(unit, status, std::move(cause));
}

}  // namespace flowrun
