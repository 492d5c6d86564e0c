#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "core/exec/output_file.hpp"
#include "core/model/workflow.hpp"

// `type: approval`: a step that waits for a person. The run's owner records the request in
// the history; `flowrun approve` (any process) records the answer there, the first answer
// winning, and wakes the owner through the run's tokens folder (the mechanism of ASL task
// tokens). A run started with --no-wait stops instead, `waiting`, and a resume applies the
// answer the history holds.

namespace flowrun {

/// How an approval ended: a person's answer, or its timeout's.
struct ApprovalAnswer {
  bool approved = false;
  bool timed_out = false;
  std::string approver;  ///< $USER of `flowrun approve`; empty for a timeout
  std::string comment;
  std::int64_t answered_ms = 0;                      ///< Unix epoch ms
  nlohmann::json inputs = nlohmann::json::object();  ///< checked against the step's `inputs`
};
nlohmann::json to_json(const ApprovalAnswer& answer);
/// nullopt when `value` is not an answer written by to_json.
std::optional<ApprovalAnswer> parse_approval_answer(const nlohmann::json& value);

/// What an approval step asks, its message rendered.
struct ApprovalRequest {
  std::string message;
  std::int64_t timeout_ms = 0;  ///< 0: it waits for as long as it takes
};

/// What the history holds for an approval being asked (again).
struct ApprovalTicket {
  std::int64_t deadline_ms = 0;  ///< when the timeout applies (a resumed wait keeps its clock)
  std::optional<ApprovalAnswer> answer;  ///< given while no flowrun waited: apply it now
};

/// The task token under which `flowrun approve` wakes the owner waiting on `step_id`.
std::string approval_token(std::string_view step_id);

/// The step's outputs for `answer`: approved, approver, comment, answered_at, timed_out, then
/// each input (strings as they are, other values as their JSON text).
StepOutputs approval_outputs(const ApprovalAnswer& answer);

/// `on_timeout` (approve, reject or fail; fail by default) and `on_reject` (fail or skip).
std::string approval_on_timeout(const Step& step);
bool skips_on_reject(const Step& step);

/// The inputs' defaults, for an answer given by a timeout.
nlohmann::json default_inputs(const Step& step);

}  // namespace flowrun
