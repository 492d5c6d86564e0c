#include "core/report/asl_summary.hpp"

#include <fmt/format.h>

namespace flowrun {
namespace {

constexpr std::size_t kFlushAt = 64 * 1024;

void append_text_or_null(std::string& out, const std::string& text) {
  if (text.empty()) {
    out += "null";
  } else {
    append_json_string(out, text);
  }
}

void append_state(std::string& out, const asl::StateRun& run) {
  out += "{\"id\": ";
  append_json_string(out, run.state->name);
  fmt::format_to(std::back_inserter(out), ", \"type\": \"{}\", \"status\": \"{}\"",
                 asl::to_string(*run.state->type), to_string(run.status));
  if (run.item_index >= 0)
    fmt::format_to(std::back_inserter(out), ", \"item_index\": {}", run.item_index);
  fmt::format_to(std::back_inserter(out), ", \"attempts\": {}, \"exit_code\": ", run.attempts);
  out += run.exit_code < 0 ? "null" : std::to_string(run.exit_code);
  out += ", \"started_at\": ";
  append_time(out, run.started_ms);
  out += ", \"ended_at\": ";
  append_time(out, run.ended_ms);
  out += ", \"duration_ms\": ";
  out += run.started_ms && run.ended_ms ? std::to_string(run.ended_ms - run.started_ms) : "null";
  out += ", \"outputs\": {}, \"log\": ";
  append_text_or_null(out, run.log_path);
  out += ", \"error\": ";
  append_text_or_null(out, run.error);
  out += ", \"cause\": ";
  append_text_or_null(out, run.cause);
  out += '}';
}

}  // namespace

void write_asl_summary(const RunState& state, const std::vector<asl::StateRun>& states,
                       const TextSink& sink) {
  std::string out;
  out.reserve(kFlushAt + 4096);
  append_run_head(out, state, "asl");
  out += ", \"params\": ";
  out += state.params.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  out += ", \"output\": ";
  out += state.output.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  out += ", \"error\": ";
  append_optional(out, state.error);
  out += ", \"cause\": ";
  append_optional(out, state.cause);
  out += ", \"steps\": [";
  for (std::size_t i = 0; i < states.size(); ++i) {
    if (i) out += ", ";
    append_state(out, states[i]);
    if (out.size() >= kFlushAt) {
      sink(out);
      out.clear();
    }
  }
  out += "]}";
  sink(out);
}

std::string render_asl_summary(const RunState& state, const std::vector<asl::StateRun>& states) {
  std::string text;
  write_asl_summary(state, states, [&](std::string_view piece) { text += piece; });
  return text;
}

}  // namespace flowrun
