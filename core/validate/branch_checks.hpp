#pragma once

#include "core/model/workflow.hpp"
#include "core/validate/diagnostics.hpp"

namespace flowrun {

/// Checks the rules of every `type: branch` step: each `next` names a step of the same list
/// (with a suggestion), that step lists the branch step in its `needs` (a path out of the
/// branch), and a target is not named twice by one rule.
void check_branches(const Workflow& workflow, Diagnostics& diagnostics);

}  // namespace flowrun
