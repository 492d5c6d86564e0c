#include "core/store/asl_history.hpp"

namespace flowrun {

std::vector<asl::RecordedEvent> recorded_events(const std::vector<EventRow>& rows) {
  std::vector<asl::RecordedEvent> events;
  events.reserve(rows.size());
  for (const EventRow& row : rows) {
    events.push_back(
        asl::RecordedEvent{row.at_ms, row.type, row.step_id, row.frame, row.attempt, row.detail});
  }
  return events;
}

std::vector<asl::RecordedAttempt> recorded_attempts(const std::vector<AttemptRow>& rows) {
  std::vector<asl::RecordedAttempt> attempts;
  attempts.reserve(rows.size());
  for (const AttemptRow& row : rows) {
    // A stopped attempt's exit code is not the state's (the interpreter ignores it).
    const bool ended = row.status != to_string(StepStatus::Running) &&
                       row.status != to_string(StepStatus::Cancelled);
    attempts.push_back(asl::RecordedAttempt{row.index, row.step_id, row.pgid > 0, ended,
                                            row.exit_code, row.log_path});
  }
  return attempts;
}

}  // namespace flowrun
