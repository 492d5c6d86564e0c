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

/// The text of one EventBatch row being written, and the time of its last event.
struct EventBatch {
  std::string text;
  std::int64_t last_ms = -1;

  bool empty() const { return text.empty(); }
  std::size_t size() const { return text.size(); }
  void clear() {
    text.clear();
    last_ms = -1;
  }
};

/// Appends one event to a batch: a line `at_ms TAB type TAB "state" TAB attempt TAB detail`,
/// the state as a JSON string and the detail a JSON text without raw newlines. `at_ms` is
/// left empty when it equals the line before's (events come many to a millisecond, and
/// its 13 digits were a fifth of a Pass state's history). An event of an ASL branch or
/// iteration writes its frame after the attempt: `attempt@frame`. `state_is_plain` says the
/// caller knows the state needs no escapes (else it is checked).
void append_batched_event(EventBatch& batch, std::int64_t at_ms, std::string_view type,
                          std::string_view state, int attempt, std::string_view frame,
                          std::string_view detail, bool state_is_plain = false);

/// The same with the detail `detail_head` + `detail_body` + `}`, written without joining
/// them first.
void append_batched_event(EventBatch& batch, std::int64_t at_ms, std::string_view type,
                          std::string_view state, int attempt, std::string_view frame,
                          std::string_view detail_head, std::string_view detail_body,
                          bool state_is_plain = false);

/// Appends the events of a batch's text to `out` (seq left 0); malformed lines are skipped.
/// Reads rows written before times were left out, too.
void expand_event_batch(std::string_view batch, std::vector<EventRow>& out);

}  // namespace flowrun
