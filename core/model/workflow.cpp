#include "core/model/workflow.hpp"

#include <sstream>

namespace flowrun {
namespace {

struct TriggerName {
  TriggerRule rule;
  const char* name;
};
constexpr TriggerName kTriggerNames[] = {
    {TriggerRule::AllSuccess, "all_success"}, {TriggerRule::AllDone, "all_done"},
    {TriggerRule::AllFailed, "all_failed"},   {TriggerRule::OneSuccess, "one_success"},
    {TriggerRule::OneFailed, "one_failed"},   {TriggerRule::NoneFailed, "none_failed"},
    {TriggerRule::Always, "always"}};

struct TypeName {
  StepType type;
  const char* name;
};
constexpr TypeName kTypeNames[] = {{StepType::Approval, "approval"}, {StepType::Wait, "wait"},
                                   {StepType::Workflow, "workflow"}, {StepType::Pass, "pass"},
                                   {StepType::Fail, "fail"},         {StepType::Noop, "noop"},
                                   {StepType::Branch, "branch"}};

}  // namespace

std::string_view to_string(TriggerRule rule) {
  for (const auto& entry : kTriggerNames) {
    if (entry.rule == rule) return entry.name;
  }
  return "all_success";
}

std::optional<TriggerRule> parse_trigger_rule(std::string_view text) {
  for (const auto& entry : kTriggerNames) {
    if (text == entry.name) return entry.rule;
  }
  return std::nullopt;
}

const std::vector<std::string>& trigger_rule_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& entry : kTriggerNames) out.emplace_back(entry.name);
    return out;
  }();
  return names;
}

std::string_view to_string(StepType type) {
  for (const auto& entry : kTypeNames) {
    if (entry.type == type) return entry.name;
  }
  return "noop";
}

std::optional<StepType> parse_step_type(std::string_view text) {
  for (const auto& entry : kTypeNames) {
    if (text == entry.name) return entry.type;
  }
  return std::nullopt;
}

const std::vector<std::string>& step_type_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& entry : kTypeNames) out.emplace_back(entry.name);
    return out;
  }();
  return names;
}

std::string_view to_string(ActionKind kind) {
  switch (kind) {
    case ActionKind::None:
      return "none";
    case ActionKind::Run:
      return "run";
    case ActionKind::Cmd:
      return "cmd";
    case ActionKind::Uses:
      return "uses";
    case ActionKind::Type:
      return "type";
  }
  return "none";
}

const StepExtras& Step::extra() const {
  static const StepExtras none;
  const StepExtras* own = extras_.get();
  return own ? *own : none;
}

std::vector<std::string> Step::need_ids() const {
  std::vector<std::string> ids;
  ids.reserve(needs.size());
  for (const Need& need : needs) ids.push_back(need.id);
  return ids;
}

const Step* Workflow::find_step(std::string_view id) const {
  for (const auto& step : steps) {
    if (step.id == id) return &step;
  }
  return nullptr;
}

std::vector<std::string> shell_argv(const std::string& shell) {
  std::vector<std::string> argv;
  std::istringstream words(shell);
  for (std::string word; words >> word;) argv.push_back(word);
  if (argv.empty()) return {"/bin/sh", "-c"};
  if (argv.size() == 1) {
    const std::string& program = argv[0];
    bool is_bash = program == "bash" || program.ends_with("/bash");
    if (is_bash) {
      argv.insert(argv.end(), {"-eo", "pipefail"});
    }
    argv.push_back("-c");
  }
  return argv;
}

bool is_approval_output_name(std::string_view name) {
  return name == "approved" || name == "approver" || name == "comment" || name == "answered_at" ||
         name == "timed_out";
}

}  // namespace flowrun
