#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/model/workflow.hpp"

namespace flowrun {

/// What a dry run shows of one step, with every expression that can be known before the run
/// (params, env, workflow.name, run.id, run.started_at) evaluated and the others (steps,
/// run.props, item, status functions) shown as placeholders such as
/// `<steps.extract.outputs.path>`.
struct StepPreview {
  std::string action;  ///< "run: ...", "cmd: [...]" ...
  EnvList env;
  std::optional<std::string> working_dir;
  std::optional<std::string> condition;  ///< the `if:` as written
  std::string condition_value;           ///< "true", "false", or "unknown until the run"
};

/// The run a dry run stands for: `run.id` and `run.started_at` render as these.
struct PreviewRun {
  std::string run_id;
  std::int64_t started_ms = 0;
  nlohmann::json secrets = nlohmann::json::object();  ///< `secrets.NAME`, shown as ***
};

/// Previews every main-graph step (parallel to `workflow.steps`); secret param values are
/// shown as ***.
std::vector<StepPreview> preview_steps(const Workflow& workflow, const nlohmann::json& params,
                                       const PreviewRun& run);

}  // namespace flowrun
