#include "core/exec/environment.hpp"

#include <algorithm>
#include <unordered_map>

namespace flowrun {
namespace {

constexpr std::string_view kReserved[] = {
    "FLOWRUN_RUN_ID",     "FLOWRUN_WORKFLOW",   "FLOWRUN_STEP",
    "FLOWRUN_ATTEMPT",    "FLOWRUN_OUTPUT",     "FLOWRUN_ITEM",
    "FLOWRUN_ITEM_INDEX", "FLOWRUN_TASK_TOKEN", "FLOWRUN_STATE_DIR"};

std::string_view name_of(std::string_view entry) { return entry.substr(0, entry.find('=')); }

bool is_set_by(const EnvList& env, std::string_view name) {
  return std::any_of(env.begin(), env.end(), [&](const EnvVar& var) { return var.name == name; });
}

}  // namespace

bool is_reserved_env_name(std::string_view name) {
  if (name.substr(0, 13) == "FLOWRUN_EXPR_") return true;
  return std::find(std::begin(kReserved), std::end(kReserved), name) != std::end(kReserved);
}

EnvironmentBuilder::EnvironmentBuilder(const std::vector<std::string>& parent,
                                       const Workflow& workflow)
    : EnvironmentBuilder(parent, workflow.env, workflow.defaults.env) {}

EnvironmentBuilder::EnvironmentBuilder(const std::vector<std::string>& parent,
                                       const EnvList& workflow_env, const EnvList& defaults_env) {
  std::unordered_map<std::string, std::size_t> index;
  auto put = [&](std::string name, std::string entry) {
    if (is_reserved_env_name(name)) return;
    auto [it, inserted] = index.emplace(std::move(name), base_.size());
    if (inserted) {
      base_.push_back(std::move(entry));
    } else {
      base_[it->second] = std::move(entry);
    }
  };
  for (const std::string& entry : parent) {
    if (entry.find('=') == std::string::npos) continue;
    put(std::string(name_of(entry)), entry);
  }
  for (const EnvVar& var : workflow_env) put(var.name, var.name + "=" + var.value);
  for (const EnvVar& var : defaults_env) put(var.name, var.name + "=" + var.value);
  envp_.reserve(base_.size() + 8);
}

std::string_view EnvironmentBuilder::base_value(std::string_view name) const {
  for (const std::string& entry : base_) {
    if (name_of(entry) == name) return std::string_view(entry).substr(name.size() + 1);
  }
  return {};
}

char* const* EnvironmentBuilder::build(const EnvList& step_env, std::span<std::string> extra) {
  envp_.clear();
  step_entries_.clear();
  for (const std::string& entry : base_) {
    if (!step_env.empty() && is_set_by(step_env, name_of(entry))) continue;
    envp_.push_back(const_cast<char*>(entry.c_str()));
  }
  for (const EnvVar& var : step_env) {
    if (is_reserved_env_name(var.name)) continue;
    step_entries_.push_back(var.name + "=" + var.value);
  }
  for (std::string& entry : step_entries_) envp_.push_back(entry.data());
  for (std::string& entry : extra) envp_.push_back(entry.data());
  envp_.push_back(nullptr);
  return envp_.data();
}

}  // namespace flowrun
