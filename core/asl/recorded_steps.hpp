#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "core/asl/execution_position.hpp"
#include "core/asl/interpreter.hpp"
#include "core/asl/state_machine.hpp"

// The state executions of a recorded execution read back from its history, for the run
// summary of a redrive when the run never wrote its own (its flowrun was killed): each
// `...StateEntered` opens one state execution, in the order the interpreter opened them,
// and the Task, fan-out, abort and failure events after it say how it ended.

namespace flowrun::asl {

/// One Task attempt as the history's attempts table keeps it.
struct RecordedAttempt {
  std::size_t step = 0;  ///< index of its state execution (the order of `...StateEntered`)
  std::string_view state;
  bool ran_process = false;  ///< a process ran (not a built-in plugin call, not a mock)
  bool ended = false;        ///< it ended on its own (not running, not stopped)
  int exit_code = -1;
  std::string_view log_path;
};

/// The state executions `events` (in history order) record over `machine`. Executions still
/// open at the end are `running`; executions of states the machine does not have are left
/// out.
std::vector<StateRun> recorded_state_runs(const StateMachine& machine,
                                          const std::vector<RecordedEvent>& events,
                                          const std::vector<RecordedAttempt>& attempts);

}  // namespace flowrun::asl
