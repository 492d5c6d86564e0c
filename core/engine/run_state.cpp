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

namespace {

void put_digits(char* at, std::int64_t value, int width) {
  for (int i = width - 1; i >= 0; --i) {
    at[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
}

}  // namespace

// Written by hand (Howard Hinnant's days-to-civil algorithm): a run summary of a long state
// machine formats two timestamps per state, and gmtime_r + fmt took 10% of such a run.
std::string format_timestamp(std::int64_t epoch_ms) {
  std::int64_t days = epoch_ms >= 0 ? epoch_ms / 86400000 : (epoch_ms - 86399999) / 86400000;
  std::int64_t ms_of_day = epoch_ms - days * 86400000;
  std::int64_t z = days + 719468;
  std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  std::int64_t day_of_era = z - era * 146097;
  std::int64_t year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  std::int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  std::int64_t shifted_month = (5 * day_of_year + 2) / 153;  // March = 0
  std::int64_t day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
  std::int64_t month = shifted_month < 10 ? shifted_month + 3 : shifted_month - 9;
  std::int64_t year = year_of_era + era * 400 + (month <= 2 ? 1 : 0);
  if (year < 0 || year > 9999) year = 0;  // outside what four digits (and RFC 3339) can say
  char text[] = "0000-00-00T00:00:00.000Z";
  put_digits(text, year, 4);
  put_digits(text + 5, month, 2);
  put_digits(text + 8, day, 2);
  put_digits(text + 11, ms_of_day / 3600000, 2);
  put_digits(text + 14, ms_of_day / 60000 % 60, 2);
  put_digits(text + 17, ms_of_day / 1000 % 60, 2);
  put_digits(text + 20, ms_of_day % 1000, 3);
  return std::string(text, sizeof text - 1);
}

std::string signal_name(int signal) {
  if (const char* abbrev = sigabbrev_np(signal)) return std::string("SIG") + abbrev;
  return fmt::format("SIG{}", signal);
}

}  // namespace flowrun
