#pragma once

#include <string>

#include "core/asl/state_machine.hpp"
#include "core/validate/diagnostics.hpp"

namespace flowrun {

/// Checks the structural rules of an ASL machine and, recursively, of its Parallel branches
/// and Map processors: StartAt and every transition name a state of the same machine, Next/End
/// as each type requires, known types and fields, required fields, reachability. Every
/// problem is appended to `diagnostics` with an `asl-` code; nothing stops at the first.
void validate_state_machine(const asl::StateMachine& machine, const std::string& file,
                            Diagnostics& diagnostics);

}  // namespace flowrun
