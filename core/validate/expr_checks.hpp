#pragma once

#include <string>
#include <vector>

#include "core/model/workflow.hpp"
#include "core/validate/diagnostics.hpp"

namespace flowrun {

/// Parses every `${{ }}` expression of a native workflow (`run`, `cmd` items, `env` values,
/// `working_dir`, `with` values, `if`, `foreach`, `repeat.until`, workflow `outputs`) and
/// reports, at the exact column inside the YAML string: syntax errors (`expr-syntax`),
/// unknown contexts, functions, params, steps and step fields (`expr-unknown-*`, with a
/// suggestion), and reads of `steps.X` where X is not upstream (`expr-not-upstream`).
void check_expressions(const Workflow& workflow, Diagnostics& diagnostics);

/// The contexts an expression may read in a step: params, env, steps, run, workflow, item,
/// item_index.
const std::vector<std::string>& step_context_names();

}  // namespace flowrun
