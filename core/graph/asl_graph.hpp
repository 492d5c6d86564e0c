#pragma once

#include <string>

#include "core/asl/state_machine.hpp"
#include "core/graph/graph.hpp"

namespace flowrun::graph {

/// The drawable graph of a validated state machine: one node per state (kind = its Type, a
/// Task also shows its resource's short name), a synthetic `__start__` node with an edge to
/// StartAt, and an `__end__` node that End, Succeed and Fail states lead to. Parallel branches
/// and Map processors become nested groups whose node ids are prefixed by the group id.
/// Transitions to states that do not exist are left out.
Graph build_asl_graph(const asl::StateMachine& machine);

/// The short form of a Task resource shown in its node: `lambda:invoke` for
/// `arn:aws:states:::lambda:invoke`, `ChargeCard` for a Lambda function ARN; other text as is.
std::string short_resource_name(const std::string& resource);

}  // namespace flowrun::graph
