#pragma once

#include "core/model/workflow.hpp"
#include "core/validate/diagnostics.hpp"

namespace flowrun {

/// Semantic rules of a loaded native workflow: step ids (unique, valid characters), `needs`
/// (known targets, no self-need, no cycle, handlers needing only their own list), reported to
/// `diagnostics`. Linear in the number of steps and needs entries.
void validate_workflow(const Workflow& workflow, Diagnostics& diagnostics);

/// True when `id` matches `[A-Za-z0-9_][A-Za-z0-9_.-]*`.
bool is_valid_step_id(std::string_view id);

}  // namespace flowrun
