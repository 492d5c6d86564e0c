#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/asl/interpreter.hpp"
#include "core/asl/state_machine.hpp"

// Where a recorded execution stood, read back from its history, so that `flowrun resume`
// can continue it (a run that waits for a task token) or redrive it (a run that failed,
// was cancelled, timed out or was interrupted). Every event names its frame (the top level
// "", a Parallel branch or Map iteration "slot", nested "slot.slot"), and a frame's last
// `...StateEntered` gives its state and raw input.

namespace flowrun::asl {

/// One event of a recorded execution, as the history gives it back; the views must outlive
/// the reconstruction.
struct RecordedEvent {
  std::int64_t at_ms = 0;
  std::string_view type;
  std::string_view state;
  std::string_view frame;
  int attempt = 0;
  std::string_view detail;
};

/// Where one frame (the top level, a Parallel branch, a Map iteration) stood.
struct FramePosition {
  std::string state;            ///< the state it is in; empty when it never entered one
  nlohmann::json input;         ///< that state's raw input
  std::int64_t entered_ms = 0;  ///< when it entered that state (a Wait's clock runs from it)
  bool succeeded = false;       ///< the frame ended well: `output` is its result
  nlohmann::json output;
  std::string token;                 ///< a callback Task's token while no answer was taken
  std::int64_t task_started_ms = 0;  ///< when that Task's action started
  int attempt = 0;                   ///< of that Task
  /// The variables its states assigned before that state (their `assignedVariables`), over
  /// the scope it starts with; null when none.
  nlohmann::json variables;
  std::map<std::uint32_t, FramePosition> children;  ///< of its Parallel or Map state
};

/// A recorded execution's position and what a continuation must carry on with.
struct ExecutionPosition {
  nlohmann::json input = nlohmann::json::object();  ///< the execution's input
  FramePosition root;
  std::unordered_map<std::string, std::int64_t> invocations;  ///< Task invocations per state
  std::vector<StateRun> states;  ///< state executions already listed in the run summary
  int redrive_count = 0;         ///< after this continuation (0: not a redrive)
  bool keep_tokens = false;      ///< a waiting run: Tasks waiting for a token keep waiting
  /// Recorded before events named their frame, it stands in a Parallel or Map state whose
  /// branches ran: where they stood is lost, so it cannot go on.
  bool lacks_branch_positions = false;
};

/// Replays `events` (in history order) over `machine`. A frame whose last event is the exit
/// of a terminal state has succeeded; any other frame is at its last entered state. A history
/// whose events name no frame (recorded by an older flowrun) gives the top level from the
/// events of its own states.
ExecutionPosition reconstruct_position(const StateMachine& machine,
                                       const std::vector<RecordedEvent>& events);

/// True when some event names a frame: the history was recorded with frame tags (an older
/// flowrun wrote branch and iteration events as the top level's).
bool has_frame_tags(const std::vector<RecordedEvent>& events);

/// The state named `name` anywhere in `machine` (branches and Map processors too).
const State* find_state_anywhere(const StateMachine& machine, std::string_view name);

}  // namespace flowrun::asl
