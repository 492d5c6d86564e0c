#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/model/workflow.hpp"

namespace flowrun {

/// What a dry run shows of one step, with every expression that can be known before the run
/// (params, env, workflow.name) evaluated and the others (steps, run, item, status
/// functions) shown as placeholders such as `<steps.extract.outputs.path>`.
struct StepPreview {
  std::string action;  ///< "run: ...", "cmd: [...]" ...
  EnvList env;
  std::optional<std::string> working_dir;
  std::optional<std::string> condition;  ///< the `if:` as written
  std::string condition_value;           ///< "true", "false", or "unknown until the run"
};

/// Previews every main-graph step (parallel to `workflow.steps`); secret param values are
/// shown as ***.
std::vector<StepPreview> preview_steps(const Workflow& workflow, const nlohmann::json& params);

}  // namespace flowrun
