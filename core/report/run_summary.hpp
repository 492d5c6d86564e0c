#pragma once

#include <functional>
#include <nlohmann/json.hpp>
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

}  // namespace flowrun
