#include "core/report/run_summary.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "core/engine/handlers.hpp"
#include "core/engine/run_folder.hpp"
#include "core/load/param_values.hpp"
#include "core/util/text.hpp"

namespace flowrun {
namespace {

constexpr std::size_t kFlushAt = 64 * 1024;

void append_outputs(std::string& out, const StepDetails* details,
                    const std::vector<std::string>& secrets) {
  out += '{';
  if (details) {
    bool first = true;
    for (const auto& [key, value] : details->outputs) {
      if (!first) out += ", ";
      first = false;
      append_json_string(out, key);
      out += ": ";
      append_json_string(out, secrets.empty() ? value : hide_secrets(value, secrets));
    }
  }
  out += '}';
}

// One step, or one fan-out child (`id` is then `step[3]` and `index` its item index).
void append_unit(std::string& out, const std::string& run_dir, const std::string& id,
                 const StepRecord& record, const StepDetails* details,
                 const std::vector<std::string>& secrets, int index,
                 std::string_view outputs = {}) {
  out += "{\"id\": ";
  append_json_string(out, id);
  if (index >= 0) fmt::format_to(std::back_inserter(out), ", \"index\": {}", index);
  fmt::format_to(std::back_inserter(out), ", \"status\": \"{}\", \"attempts\": {}, \"exit_code\": ",
                 to_string(record.status), record.attempts);
  out += record.exit_code < 0 ? "null" : std::to_string(record.exit_code);
  out += ", \"started_at\": ";
  append_time(out, record.started_ms);
  out += ", \"ended_at\": ";
  append_time(out, record.ended_ms);
  out += ", \"duration_ms\": ";
  bool timed = record.started_ms != 0 && record.ended_ms != 0;
  out += timed ? std::to_string(record.ended_ms - record.started_ms) : "null";
  out += ", \"outputs\": ";
  if (outputs.empty()) {
    append_outputs(out, details, secrets);
  } else {
    out += outputs;
  }
  out += ", \"log\": ";
  if (record.has_log) {
    std::string path;
    attempt_file_path(run_dir, id, record.attempts, ".log", path);
    append_json_string(out, path);
  } else {
    out += "null";
  }
  out += ", \"signal\": ";
  if (record.signal) {
    append_json_string(out, signal_name(record.signal));
  } else {
    out += "null";
  }
  out += ", \"cause\": ";
  if (details && !details->cause.empty()) {
    append_json_string(out, details->cause);
  } else {
    out += "null";
  }
  out += '}';
}

// A fan-out step: its outputs are the array of its children's, and `children` lists them.
// The children go to `sink` as they are written: 10 000 of them are megabytes of text, which
// were held twice (their own string, then `out`) at the peak of the run's memory.
void append_step(std::string& out, const Workflow& workflow, const RunState& state,
                 std::size_t step, const std::vector<std::string>& secrets, const TextSink& sink) {
  const FanOutSpan* span = state.find_fan_out(step);
  const std::string& id = workflow.steps[step].id;
  if (!span) {
    append_unit(out, state.run_dir, id, state.steps[step], state.find_details(step), secrets, -1);
    if (HandlerKind kind = handler_kind(workflow, step); kind != HandlerKind::None) {
      out.pop_back();
      fmt::format_to(std::back_inserter(out), ", \"handler\": \"{}\"}}", to_string(kind));
    }
    return;
  }
  const std::size_t base = state.steps.size() + span->first;
  std::string outputs = "[";
  for (std::uint32_t i = 0; i < span->count; ++i) {
    if (i) outputs += ", ";
    append_outputs(outputs, state.find_details(base + i), secrets);
  }
  outputs += ']';
  append_unit(out, state.run_dir, id, state.steps[step], state.find_details(step), secrets, -1,
              outputs);
  out.pop_back();  // the closing brace: the children follow
  out += ", \"children\": [";
  for (std::uint32_t i = 0; i < span->count; ++i) {
    if (i) out += ", ";
    std::string label = id + "[" + std::to_string(i) + "]";
    append_unit(out, state.run_dir, label, state.record_of(base + i), state.find_details(base + i),
                secrets, static_cast<int>(i));
    if (out.size() >= kFlushAt) {
      sink(out);
      out.clear();
    }
  }
  out += "]}";
}

}  // namespace

void append_optional(std::string& out, const std::optional<std::string>& value) {
  if (value) {
    append_json_string(out, *value);
  } else {
    out += "null";
  }
}

void append_time(std::string& out, std::int64_t epoch_ms) {
  if (epoch_ms == 0) {
    out += "null";
  } else {
    // A summary lists states that mostly start and end within the same millisecond: the
    // last one formatted is kept (per thread: the history writer has its own).
    thread_local std::int64_t last_ms = -1;
    thread_local std::string last_text;
    if (epoch_ms != last_ms) {
      last_ms = epoch_ms;
      last_text = format_timestamp(epoch_ms);
    }
    out += '"';
    out += last_text;
    out += '"';
  }
}

void append_run_head(std::string& out, const RunState& state, std::string_view kind) {
  out += "{\"run_id\": ";
  append_json_string(out, state.run_id);
  out += ", \"workflow\": ";
  append_json_string(out, state.workflow);
  out += ", \"file\": ";
  append_json_string(out, state.file);
  if (!kind.empty()) fmt::format_to(std::back_inserter(out), ", \"kind\": \"{}\"", kind);
  fmt::format_to(std::back_inserter(out),
                 ", \"status\": \"{}\", \"started_at\": ", to_string(state.status));
  append_time(out, state.started_ms);
  out += ", \"ended_at\": ";
  append_time(out, state.ended_ms);
  out += ", \"duration_ms\": ";
  out += state.ended_ms ? std::to_string(state.ended_ms - state.started_ms) : "null";
}

bool is_plain_json_text(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) {
    auto byte = static_cast<unsigned char>(c);
    return byte >= 0x20 && byte < 0x80 && c != '"' && c != '\\';
  });
}

void append_json_string(std::string& out, std::string_view text) {
  // Most strings here are ids and state names: printable ASCII that needs no escape.
  if (is_plain_json_text(text)) {
    out += '"';
    out += text;
    out += '"';
    return;
  }
  if (find_invalid_utf8(text)) {
    out += nlohmann::json(std::string(text))
               .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return;
  }
  out += '"';
  for (char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          fmt::format_to(std::back_inserter(out), "\\u{:04x}", static_cast<unsigned>(c));
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

void write_run_summary(const Workflow& workflow, const RunState& state, const TextSink& sink) {
  std::string out;
  out.reserve(kFlushAt + 4096);
  append_run_head(out, state, {});
  out += ", \"params\": ";
  // Secret params, and their values wherever they appear, are shown as ***.
  const std::vector<std::string> secrets = secret_values(workflow.params, state.params);
  out += mask_secret_params(workflow.params, state.params)
             .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  out += ", \"output\": ";
  out += hide_secrets(state.output, secrets)
             .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  out += ", \"props\": ";
  out += hide_secrets(state.props, secrets)
             .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  out += ", \"error\": ";
  append_optional(out, state.error);
  out += ", \"cause\": ";
  append_optional(out, state.cause);
  if (state.late || !state.late_steps.empty()) {
    // Only present when something passed its late_after.
    fmt::format_to(std::back_inserter(out), ", \"late\": {{\"run\": {}, \"steps\": [", state.late);
    for (std::size_t i = 0; i < state.late_steps.size(); ++i) {
      if (i) out += ", ";
      append_json_string(out, state.late_steps[i]);
    }
    out += "]}";
  }
  out += ", \"steps\": [";
  for (std::size_t i = 0; i < state.steps.size() && i < workflow.steps.size(); ++i) {
    if (i) out += ", ";
    append_step(out, workflow, state, i, secrets, sink);
    if (out.size() >= kFlushAt) {
      sink(out);
      out.clear();
    }
  }
  out += "]}";
  sink(out);
}

std::string render_run_summary(const Workflow& workflow, const RunState& state) {
  std::string text;
  write_run_summary(workflow, state, [&](std::string_view piece) { text += piece; });
  return text;
}

}  // namespace flowrun
