#include "core/report/asl_summary.hpp"

#include <charconv>

#include "core/asl/execution_position.hpp"
#include "core/asl/timestamp.hpp"

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

void append_number(std::string& out, std::int64_t value) {
  char digits[24];
  out.append(digits, std::to_chars(digits, digits + sizeof digits, value).ptr);
}

// Written with plain appends: a long execution lists hundreds of thousands of states, and
// fmt's format parsing was a third of writing them.
void append_state(std::string& out, const asl::StateRun& run) {
  out += "{\"id\": ";
  append_json_string(out, run.state->name);
  out += ", \"type\": \"";
  out += asl::to_string(*run.state->type);
  out += "\", \"status\": \"";
  out += to_string(run.status);
  out += '"';
  if (run.item_index >= 0) {
    out += ", \"item_index\": ";
    append_number(out, run.item_index);
  }
  out += ", \"attempts\": ";
  append_number(out, run.attempts);
  out += ", \"exit_code\": ";
  if (run.exit_code < 0) {
    out += "null";
  } else {
    append_number(out, run.exit_code);
  }
  out += ", \"started_at\": ";
  append_time(out, run.started_ms);
  out += ", \"ended_at\": ";
  append_time(out, run.ended_ms);
  out += ", \"duration_ms\": ";
  if (run.started_ms && run.ended_ms) {
    append_number(out, run.ended_ms - run.started_ms);
  } else {
    out += "null";
  }
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
                       const TextSink& sink, int redrive_count) {
  std::string out;
  out.reserve(kFlushAt + 4096);
  append_run_head(out, state, "asl");
  out += ", \"redrive_count\": ";
  append_number(out, redrive_count);
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

std::string render_asl_summary(const RunState& state, const std::vector<asl::StateRun>& states,
                               int redrive_count) {
  std::string text;
  write_asl_summary(
      state, states, [&](std::string_view piece) { text += piece; }, redrive_count);
  return text;
}

namespace {

std::int64_t time_of(const nlohmann::json& value) {
  if (!value.is_string()) return 0;
  std::optional<asl::Timestamp> stamp = asl::parse_timestamp(value.get<std::string>());
  return stamp ? stamp->seconds * 1000 + stamp->nanos / 1000000 : 0;
}

std::string text_of(const nlohmann::json& step, const char* field) {
  auto found = step.find(field);
  return found != step.end() && found->is_string() ? found->get<std::string>() : "";
}

}  // namespace

std::vector<asl::StateRun> read_asl_steps(const asl::StateMachine& machine,
                                          const nlohmann::json& summary) {
  std::vector<asl::StateRun> states;
  auto steps = summary.find("steps");
  if (steps == summary.end() || !steps->is_array()) return states;
  for (const nlohmann::json& step : *steps) {
    if (!step.is_object()) continue;
    const asl::State* state = asl::find_state_anywhere(machine, text_of(step, "id"));
    std::optional<StepStatus> status = parse_step_status(text_of(step, "status"));
    if (!state || !status) continue;
    asl::StateRun& run = states.emplace_back();
    run.state = state;
    run.item_index = step.value("item_index", std::int64_t{-1});
    run.status = *status;
    run.attempts = step.value("attempts", 0);
    auto exit_code = step.find("exit_code");
    run.exit_code =
        exit_code != step.end() && exit_code->is_number_integer() ? exit_code->get<int>() : -1;
    run.started_ms = time_of(step.value("started_at", nlohmann::json()));
    run.ended_ms = time_of(step.value("ended_at", nlohmann::json()));
    run.log_path = text_of(step, "log");
    run.error = text_of(step, "error");
    run.cause = text_of(step, "cause");
  }
  return states;
}

}  // namespace flowrun
