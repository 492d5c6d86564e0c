#include "core/engine/approvals.hpp"

#include "core/engine/run_state.hpp"

namespace flowrun {
nlohmann::json to_json(const ApprovalAnswer& answer) {
  return {{"approved", answer.approved},       {"timed_out", answer.timed_out},
          {"approver", answer.approver},       {"comment", answer.comment},
          {"answered_ms", answer.answered_ms}, {"inputs", answer.inputs}};
}

std::optional<ApprovalAnswer> parse_approval_answer(const nlohmann::json& value) {
  if (!value.is_object() || !value.contains("approved") || !value["approved"].is_boolean()) {
    return std::nullopt;
  }
  ApprovalAnswer answer;
  answer.approved = value["approved"].get<bool>();
  answer.timed_out = value.value("timed_out", false);
  answer.approver = value.value("approver", "");
  answer.comment = value.value("comment", "");
  answer.answered_ms = value.value("answered_ms", std::int64_t{0});
  if (value.contains("inputs") && value["inputs"].is_object()) answer.inputs = value["inputs"];
  return answer;
}

std::string approval_token(std::string_view step_id) { return "approval:" + std::string(step_id); }

StepOutputs approval_outputs(const ApprovalAnswer& answer) {
  StepOutputs outputs = {{"approved", answer.approved ? "true" : "false"},
                         {"approver", answer.approver},
                         {"comment", answer.comment},
                         {"answered_at", format_timestamp(answer.answered_ms)},
                         {"timed_out", answer.timed_out ? "true" : "false"}};
  for (const auto& [name, value] : answer.inputs.items()) {
    outputs.emplace_back(name, value.is_string() ? value.get<std::string>() : value.dump());
  }
  return outputs;
}

std::string approval_on_timeout(const Step& step) {
  return step.extra().type_config.value("on_timeout", std::string("fail"));
}

bool skips_on_reject(const Step& step) {
  return step.extra().type_config.value("on_reject", "") == "skip";
}

nlohmann::json default_inputs(const Step& step) {
  nlohmann::json inputs = nlohmann::json::object();
  for (const Param& input : step.extra().inputs) {
    if (input.default_value) inputs[input.name] = *input.default_value;
  }
  return inputs;
}

}  // namespace flowrun
