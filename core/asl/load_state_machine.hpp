#pragma once

#include <optional>

#include "core/asl/state_machine.hpp"
#include "core/load/load_document.hpp"
#include "core/validate/diagnostics.hpp"

namespace flowrun {

/// Builds the state machine of an ASL document, with nested machines for Parallel branches
/// and Map processors. Fields of the wrong kind are reported (`asl-wrong-type`) and left at
/// their defaults; structural rules are `validate_state_machine`'s. Returns nullopt only when
/// the root is not a mapping.
std::optional<asl::StateMachine> load_state_machine(const Document& document,
                                                    Diagnostics& diagnostics);

}  // namespace flowrun
