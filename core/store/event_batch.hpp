#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/store/run_store.hpp"

namespace flowrun {

/// The `events.type` of a row that holds many events at once (an ASL execution writes its
/// history this way: one row per batch instead of one per event, so a Pass chain costs a
/// string append per event). RunStore::events_of expands these rows.
inline constexpr std::string_view kEventBatchType = "EventBatch";

/// Appends one event to a batch's text: a line `at_ms TAB type TAB "state" TAB attempt TAB
/// detail`, the state as a JSON string and the detail a JSON text without raw newlines. An
/// event of an ASL branch or iteration writes its frame after the attempt: `attempt@frame`.
/// `state_is_plain` says the caller knows the state needs no escapes (else it is checked).
void append_batched_event(std::string& batch, std::int64_t at_ms, std::string_view type,
                          std::string_view state, int attempt, std::string_view frame,
                          std::string_view detail, bool state_is_plain = false);

/// The same with the detail `detail_head` + `detail_body` + `}`, written without joining
/// them first.
void append_batched_event(std::string& batch, std::int64_t at_ms, std::string_view type,
                          std::string_view state, int attempt, std::string_view frame,
                          std::string_view detail_head, std::string_view detail_body,
                          bool state_is_plain = false);

/// Appends the events of a batch's text to `out` (seq left 0); malformed lines are skipped.
void expand_event_batch(std::string_view batch, std::vector<EventRow>& out);

}  // namespace flowrun
