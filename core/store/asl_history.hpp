#pragma once

#include <vector>

#include "core/asl/execution_position.hpp"
#include "core/asl/recorded_steps.hpp"
#include "core/store/run_store.hpp"

namespace flowrun {

/// A run's events as the ASL readers of a recorded execution take them; views into `rows`,
/// which must outlive them.
std::vector<asl::RecordedEvent> recorded_events(const std::vector<EventRow>& rows);

/// A run's Task attempts as the ASL readers take them; views into `rows`.
std::vector<asl::RecordedAttempt> recorded_attempts(const std::vector<AttemptRow>& rows);

}  // namespace flowrun
