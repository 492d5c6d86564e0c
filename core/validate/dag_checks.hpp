#pragma once

#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "core/model/workflow.hpp"
#include "core/validate/diagnostics.hpp"

namespace flowrun {

/// Where a list of steps lives: the main graph, or one workflow-level handler list.
struct GraphScope {
  std::string file;
  /// "on_failure" etc. for a handler list; empty for the main graph.
  std::string handler_key;
  /// Ids of the main graph, when checking a handler list (needing one is an error).
  const std::unordered_set<std::string_view>* main_ids = nullptr;
};

/// Checks the `needs` of one list of steps: unknown targets (with a suggestion), duplicate
/// entries (warning), self-needs, handlers needing main steps, and every cycle, each reported
/// once at the `needs` entry that closes it. Iterative; linear in steps plus entries.
void check_needs_graph(const std::vector<Step>& steps, const GraphScope& scope,
                       Diagnostics& diagnostics);

}  // namespace flowrun
