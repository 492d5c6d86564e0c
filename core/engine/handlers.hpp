#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/engine/run_state.hpp"
#include "core/model/workflow.hpp"

namespace flowrun {

/// The handler list a step came from (None: a step of the main graph).
enum class HandlerKind : std::uint8_t { None, OnSuccess, OnFailure, OnCancel, OnExit, OnLate };

/// Appends the workflow's handler steps (`on_success`, `on_failure`, `on_cancel`,
/// `on_exit`, then `on_late`) to `steps`, so that a run records, shows and resumes them as steps.
/// Does nothing the second time (step ids are unique across steps and handlers).
void append_handlers(Workflow& workflow);

/// Where the appended handler steps begin in `steps`: steps.size() when there are none or
/// they were not appended.
std::size_t handlers_from(const Workflow& workflow);

/// The handler list step `index` came from; None for a step of the main graph.
HandlerKind handler_kind(const Workflow& workflow, std::size_t index);

/// The list's key: `on_success`, `on_failure`, `on_cancel`, `on_exit`; "" for None.
std::string_view to_string(HandlerKind kind);

/// Whether the handlers of `kind` run when the main graph ended with `status`. on_exit
/// always runs (after the others); on_cancel answers cancelled and timed_out runs; on_late
/// runs when the run is late, not because of how it ended.
bool handler_applies(HandlerKind kind, RunStatus status);

}  // namespace flowrun
