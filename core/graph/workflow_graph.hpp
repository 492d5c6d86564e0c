#pragma once

#include <string>

#include "core/graph/graph.hpp"
#include "core/model/workflow.hpp"

namespace flowrun::graph {

/// The drawable graph of a native workflow: one node per step (kind `run`, `cmd`,
/// `uses:NAME` or the built-in type, with a `×N` or `foreach` marker for fan-outs), an edge
/// from each need labelled with a non-default trigger rule and the step's `if`, and the
/// handler steps (on_success, on_failure, on_cancel, on_exit, on_late) in one group per kind.
/// Needs that name no step are left out.
Graph build_workflow_graph(const Workflow& workflow);

/// The kind shown for a step: `run`, `cmd`, `uses:NAME`, `approval`, ... plus a fan-out marker.
std::string step_kind(const Step& step);

/// The label of the edges into a step: its trigger rule when not `all_success`, and its `if`
/// (without the `${{ }}` wrapper, shortened to about 30 characters); empty when neither.
std::string step_edge_label(const Step& step);

}  // namespace flowrun::graph
