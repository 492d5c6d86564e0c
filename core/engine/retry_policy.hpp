#pragma once

#include <cstdint>
#include <random>

#include "core/model/workflow.hpp"

namespace flowrun {

/// The retry policy that applies to `step`: its own, else the workflow's `defaults.retry`,
/// else a single attempt. The returned reference lives as long as `workflow`.
const RetryPolicy& effective_retry(const Workflow& workflow, const Step& step);

/// True when an attempt numbered `attempt` (1-based) that ended with `exit_code` should be
/// followed by another one.
bool should_retry(const RetryPolicy& policy, int attempt, int exit_code);

/// Milliseconds to wait before the attempt after `attempt`: delay * backoff^(attempt-1),
/// capped by max_delay, then moved by up to ±jitter of itself using `rng`.
std::int64_t retry_delay_ms(const RetryPolicy& policy, int attempt, std::mt19937_64& rng);

}  // namespace flowrun
