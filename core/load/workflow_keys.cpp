#include "core/load/load_workflow.hpp"

namespace flowrun {

const std::vector<std::string>& workflow_keys() {
  static const std::vector<std::string> keys = {
      "name",        "description", "params",      "secrets",         "env",
      "working_dir", "shell",       "concurrency", "max_active_runs", "timeout",
      "late_after",  "defaults",    "outputs",     "on_success",      "on_failure",
      "on_cancel",   "on_exit",     "on_late",     "schedule",        "steps"};
  return keys;
}

const std::vector<std::string>& step_keys() {
  static const std::vector<std::string> keys = [] {
    std::vector<std::string> out = {"id",
                                    "name",
                                    "description",
                                    "needs",
                                    "run",
                                    "cmd",
                                    "uses",
                                    "with",
                                    "type",
                                    "env",
                                    "working_dir",
                                    "shell",
                                    "if",
                                    "trigger",
                                    "retry",
                                    "timeout",
                                    "kill_grace",
                                    "late_after",
                                    "continue_on_error",
                                    "outputs",
                                    "foreach",
                                    "max_parallel",
                                    "tolerated_failures",
                                    "matrix",
                                    "repeat",
                                    "on_failure",
                                    "on_retry"};
    for (const auto& type : step_type_names()) {
      for (const auto& key : step_type_keys(*parse_step_type(type))) {
        bool seen = false;
        for (const auto& existing : out) seen = seen || existing == key;
        if (!seen) out.push_back(key);
      }
    }
    return out;
  }();
  return keys;
}

const std::vector<std::string>& step_type_keys(StepType type) {
  static const std::vector<std::string> approval = {"message", "inputs", "on_timeout", "on_reject"};
  static const std::vector<std::string> wait = {"duration", "until",   "for",
                                                "interval", "backoff", "soft_fail"};
  static const std::vector<std::string> workflow = {"workflow"};
  static const std::vector<std::string> fail = {"error", "cause"};
  static const std::vector<std::string> branch = {"branches"};
  static const std::vector<std::string> none;
  switch (type) {
    case StepType::Approval:
      return approval;
    case StepType::Wait:
      return wait;
    case StepType::Workflow:
      return workflow;
    case StepType::Fail:
      return fail;
    case StepType::Branch:
      return branch;
    case StepType::Pass:
    case StepType::Noop:
      return none;
  }
  return none;
}

const std::vector<std::string>& retry_keys() {
  static const std::vector<std::string> keys = {"attempts",  "delay",  "backoff",
                                                "max_delay", "jitter", "on_exit_codes"};
  return keys;
}

const std::vector<std::string>& repeat_keys() {
  static const std::vector<std::string> keys = {"until", "max", "interval"};
  return keys;
}

const std::vector<std::string>& defaults_keys() {
  static const std::vector<std::string> keys = {"retry", "timeout", "kill_grace", "shell", "env"};
  return keys;
}

const std::vector<std::string>& param_keys() {
  static const std::vector<std::string> keys = {"type",        "default", "required",
                                                "description", "enum",    "pattern",
                                                "minimum",     "maximum", "secret"};
  return keys;
}

const std::vector<std::string>& param_type_names() {
  static const std::vector<std::string> names = {"string",  "integer", "number",
                                                 "boolean", "array",   "object"};
  return names;
}

const std::vector<std::string>& secret_keys() {
  static const std::vector<std::string> keys = {"from_env", "from_file"};
  return keys;
}

const std::vector<std::string>& schedule_keys() {
  static const std::vector<std::string> keys = {"cron", "timezone"};
  return keys;
}

const std::vector<std::string>& wait_for_keys() {
  static const std::vector<std::string> keys = {"file", "min_size", "stable_for", "command",
                                                "http"};
  return keys;
}

const std::vector<std::string>& handler_keys() {
  static const std::vector<std::string> keys = {"on_success", "on_failure", "on_cancel", "on_exit",
                                                "on_late"};
  return keys;
}

}  // namespace flowrun
