#include "core/engine/retry_policy.hpp"

#include <algorithm>
#include <cmath>

namespace flowrun {

const RetryPolicy& effective_retry(const Workflow& workflow, const Step& step) {
  static const RetryPolicy single_attempt{};
  if (step.extra().retry) return *step.extra().retry;
  if (workflow.defaults.retry) return *workflow.defaults.retry;
  return single_attempt;
}

bool should_retry(const RetryPolicy& policy, int attempt, int exit_code) {
  if (attempt >= policy.attempts) return false;
  if (policy.on_exit_codes.empty()) return true;
  return std::find(policy.on_exit_codes.begin(), policy.on_exit_codes.end(), exit_code) !=
         policy.on_exit_codes.end();
}

std::int64_t retry_delay_ms(const RetryPolicy& policy, int attempt, std::mt19937_64& rng) {
  double delay = static_cast<double>(policy.delay.milliseconds);
  double backoff = policy.backoff > 0 ? policy.backoff : 1.0;
  delay *= std::pow(backoff, std::max(0, attempt - 1));
  if (policy.max_delay)
    delay = std::min(delay, static_cast<double>(policy.max_delay->milliseconds));
  // Cap far below int64 overflow: a year is longer than any sensible retry delay.
  delay = std::min(delay, 365.0 * 24 * 3600 * 1000);
  double jitter = std::clamp(policy.jitter, 0.0, 1.0);
  if (jitter > 0 && delay > 0) {
    std::uniform_real_distribution<double> spread(-jitter, jitter);
    delay += delay * spread(rng);
  }
  return std::max<std::int64_t>(0, std::llround(delay));
}

}  // namespace flowrun
