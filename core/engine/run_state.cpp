#include "core/engine/run_state.hpp"

#include <fmt/format.h>

#include <cstring>
#include <ctime>

namespace flowrun {
namespace {

constexpr std::pair<RunStatus, const char*> kRunStatusNames[] = {
    {RunStatus::Running, "running"},        {RunStatus::Succeeded, "succeeded"},
    {RunStatus::Failed, "failed"},          {RunStatus::Cancelled, "cancelled"},
    {RunStatus::TimedOut, "timed_out"},     {RunStatus::Waiting, "waiting"},
    {RunStatus::Interrupted, "interrupted"}};

constexpr std::pair<StepStatus, const char*> kStepStatusNames[] = {
    {StepStatus::Pending, "pending"},
    {StepStatus::Running, "running"},
    {StepStatus::Retrying, "retrying"},
    {StepStatus::Waiting, "waiting"},
    {StepStatus::Succeeded, "succeeded"},
    {StepStatus::Failed, "failed"},
    {StepStatus::TimedOut, "timed_out"},
    {StepStatus::Skipped, "skipped"},
    {StepStatus::UpstreamFailed, "upstream_failed"},
    {StepStatus::Cancelled, "cancelled"}};

}  // namespace

std::string_view to_string(RunStatus status) {
  for (const auto& [value, name] : kRunStatusNames) {
    if (value == status) return name;
  }
  return "running";
}

std::optional<RunStatus> parse_run_status(std::string_view text) {
  for (const auto& [value, name] : kRunStatusNames) {
    if (text == name) return value;
  }
  return std::nullopt;
}

std::string_view to_string(StepStatus status) {
  for (const auto& [value, name] : kStepStatusNames) {
    if (value == status) return name;
  }
  return "pending";
}

std::optional<StepStatus> parse_step_status(std::string_view text) {
  for (const auto& [value, name] : kStepStatusNames) {
    if (text == name) return value;
  }
  return std::nullopt;
}

bool is_final(StepStatus status) {
  return status != StepStatus::Pending && status != StepStatus::Running &&
         status != StepStatus::Retrying && status != StepStatus::Waiting;
}

const StepDetails* RunState::find_details(std::size_t index) const {
  auto it = details.find(static_cast<std::uint32_t>(index));
  return it == details.end() ? nullptr : &it->second;
}

StepDetails& RunState::details_of(std::size_t index) {
  return details[static_cast<std::uint32_t>(index)];
}

const FanOutSpan* RunState::find_fan_out(std::size_t step) const {
  auto it = fan_outs.find(static_cast<std::uint32_t>(step));
  return it == fan_outs.end() ? nullptr : &it->second;
}

std::int64_t now_epoch_ms() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

std::string format_timestamp(std::int64_t epoch_ms) {
  std::time_t seconds = static_cast<std::time_t>(epoch_ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", utc.tm_year + 1900,
                     utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                     epoch_ms % 1000);
}

std::string signal_name(int signal) {
  if (const char* abbrev = sigabbrev_np(signal)) return std::string("SIG") + abbrev;
  return fmt::format("SIG{}", signal);
}

}  // namespace flowrun
