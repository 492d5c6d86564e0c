#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/engine/approvals.hpp"
#include "core/store/database.hpp"

namespace flowrun {

/// Where an approval stands in the history.
enum class ApprovalState { Waiting, Answered, Closed };

/// One approval of a run (the latest time its step asked).
struct ApprovalRow {
  std::string step_id;
  ApprovalState state = ApprovalState::Waiting;
  std::int64_t requested_ms = 0;
  std::int64_t deadline_ms = 0;  ///< 0: no timeout
  std::string message;
  std::optional<ApprovalAnswer> answer;  ///< Answered, or Closed by an answer or a timeout
};

/// The approval of `step_id` in run `run_key`, or nullopt when it was never asked.
std::optional<ApprovalRow> find_approval(Database& db, std::int64_t run_key,
                                         std::string_view step_id);

/// The approvals of a run that wait for an answer.
std::vector<ApprovalRow> waiting_approvals(Database& db, std::int64_t run_key);

/// Records that the step asks (in its own write transaction). An answer given while no
/// flowrun waited is returned to be applied; a request still waiting keeps its clock (a
/// paused or interrupted run that resumes); anything else starts a new request.
ApprovalTicket request_approval(Database& db, std::int64_t run_key, std::string_view step_id,
                                const ApprovalRequest& request);

/// What answer_approval did.
enum class AnswerOutcome {
  Answered,
  NotAsked,         ///< the step never asked
  AlreadyAnswered,  ///< `found` holds the answer that stands
  Expired,          ///< past its deadline: its on_timeout decides
};

/// Records `answer` when the approval waits, in one write transaction, so of two answers
/// only the first is taken. `found` gets the row as it was.
AnswerOutcome answer_approval(Database& db, std::int64_t run_key, std::string_view step_id,
                              const ApprovalAnswer& answer, ApprovalRow& found);

/// Ends a wait that got no answer in time (or was cancelled) with `proposed`, unless an answer
/// was recorded first; returns the answer that stands either way, and closes the approval.
ApprovalAnswer settle_approval(Database& db, std::int64_t run_key, std::string_view step_id,
                               const ApprovalAnswer& proposed);

/// The recorded answer was applied to the step: a later request asks again.
void close_approval(Database& db, std::int64_t run_key, std::string_view step_id);

}  // namespace flowrun
