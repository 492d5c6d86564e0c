#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/model/workflow.hpp"

namespace flowrun {

/// Builds the environment block of step processes: the parent's environment, then the
/// workflow's `env`, then `defaults.env`, then the step's `env`, then FLOWRUN_* variables;
/// a later definition of a name replaces an earlier one.
class EnvironmentBuilder {
 public:
  /// `parent` holds `NAME=value` strings (the CLI passes its own environment).
  EnvironmentBuilder(const std::vector<std::string>& parent, const Workflow& workflow);
  /// The same with the workflow's `env` and `defaults.env` given (rendered expressions).
  EnvironmentBuilder(const std::vector<std::string>& parent, const EnvList& workflow_env,
                     const EnvList& defaults_env);

  /// The value of `name` in the shared part of the block (parent + workflow), or "".
  std::string_view base_value(std::string_view name) const;

  /// A null-terminated envp for one attempt of a step with `step_env`, plus `extra`
  /// (`NAME=value`, names not set anywhere else). Valid until the next call, and as long as
  /// `extra` lives.
  char* const* build(const EnvList& step_env, std::span<std::string> extra);

 private:
  std::vector<std::string> base_;
  std::vector<std::string> step_entries_;
  std::vector<char*> envp_;
};

/// True for the FLOWRUN_* names the runner sets itself (including FLOWRUN_EXPR_<n>).
bool is_reserved_env_name(std::string_view name);

}  // namespace flowrun
