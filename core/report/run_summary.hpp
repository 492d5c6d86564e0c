#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "core/engine/run_state.hpp"
#include "core/model/workflow.hpp"

namespace flowrun {

/// Receives the summary text in pieces (64 KiB at most each).
using TextSink = std::function<void(std::string_view)>;

/// Writes the run summary object of DESIGN.md (`run_id`, `workflow`, `file`, `status`,
/// times, `params`, `output`, `error`, `cause`, `steps[...]`) as one line of JSON, without
/// building it in memory: a run of 10 000 steps streams through a small buffer.
void write_run_summary(const Workflow& workflow, const RunState& state, const TextSink& sink);

/// The summary as a string (followed by no newline).
std::string render_run_summary(const Workflow& workflow, const RunState& state);

/// Appends `text` to `out` as a JSON string literal, quotes included.
void append_json_string(std::string& out, std::string_view text);
/// True when `text` is printable ASCII without `"` or `\`: its JSON string is itself quoted.
bool is_plain_json_text(std::string_view text);
/// Appends `value` as a JSON string, or `null`.
void append_optional(std::string& out, const std::optional<std::string>& value);
/// Appends an epoch-ms instant as an RFC 3339 JSON string, or `null` for 0.
void append_time(std::string& out, std::int64_t epoch_ms);
/// Opens a run summary object: `{"run_id", "workflow", "file", ["kind",] "status",
/// "started_at", "ended_at", "duration_ms"` (native and ASL summaries share it).
void append_run_head(std::string& out, const RunState& state, std::string_view kind);

}  // namespace flowrun
