#pragma once

#include "core/model/workflow.hpp"
#include "core/validate/diagnostics.hpp"

namespace flowrun {

/// Checks every `type: workflow` step: its file exists, is a valid native workflow (its own
/// sub-workflows included), and does not include, directly or not, a workflow that is
/// already being checked (an include cycle, which would run forever).
void check_subworkflows(const Workflow& workflow, Diagnostics& diagnostics);

}  // namespace flowrun
