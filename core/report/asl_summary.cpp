#include "core/report/asl_summary.hpp"

#include <charconv>
#include <cstring>

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

// Writes the entries of `steps`: most of a long execution are Pass and Choice states whose
// entries differ only in name, status and times, so each entry is put together in a buffer on
// the stack (one append instead of two dozen), and a timestamp is formatted once for all the
// entries of its millisecond.
class StepWriter {
 public:
  explicit StepWriter(std::string& out) : out_(out) {}

  void append(const asl::StateRun& run) {
    const std::string& name = run.state->name;
    std::string escaped;  // a name that needs escapes (rare)
    if (!run.state->facts.plain_name) append_json_string(escaped, name);
    const std::size_t name_room = escaped.empty() ? name.size() + 2 : escaped.size();
    char stack[kNameRoom + kFieldsRoom];
    std::string heap;  // for a name longer than kNameRoom
    char* entry = stack;
    if (name_room > kNameRoom) {
      heap.resize(name_room + kFieldsRoom);
      entry = heap.data();
    }
    char* at = entry;
    auto put = [&](std::string_view text) {
      if (text.empty()) return;  // an empty view may have no data: memcpy must not see null
      std::memcpy(at, text.data(), text.size());
      at += text.size();
    };
    auto put_number = [&](std::int64_t value) { at = std::to_chars(at, at + 20, value).ptr; };
    auto put_time = [&](std::int64_t ms) {
      if (ms == 0) return put("null");
      *at++ = '"';
      put(timestamp(ms));
      *at++ = '"';
    };
    put("{\"id\": ");
    if (escaped.empty()) {
      *at++ = '"';
      put(name);
      *at++ = '"';
    } else {
      put(escaped);
    }
    put(", \"type\": \"");
    put(asl::to_string(*run.state->type));
    put("\", \"status\": \"");
    put(to_string(run.status));
    *at++ = '"';
    if (run.item_index >= 0) {
      put(", \"item_index\": ");
      put_number(run.item_index);
    }
    put(", \"attempts\": ");
    put_number(run.attempts);
    put(", \"exit_code\": ");
    if (run.exit_code < 0) {
      put("null");
    } else {
      put_number(run.exit_code);
    }
    put(", \"started_at\": ");
    put_time(run.started_ms);
    put(", \"ended_at\": ");
    put_time(run.ended_ms);
    put(", \"duration_ms\": ");
    if (run.started_ms && run.ended_ms) {
      put_number(run.ended_ms - run.started_ms);
    } else {
      put("null");
    }
    put(", \"outputs\": {}, \"log\": ");
    if (run.log_path.empty() && run.error.empty() && run.cause.empty()) {
      put("null, \"error\": null, \"cause\": null}");
      out_.append(entry, static_cast<std::size_t>(at - entry));
      return;
    }
    out_.append(entry, static_cast<std::size_t>(at - entry));
    append_tail(run);
  }

 private:
  static constexpr std::size_t kNameRoom = 256;
  static constexpr std::size_t kFieldsRoom = 512;  // every field but the name

  // The last millisecond formatted: the entries of a fast execution share a few.
  std::string_view timestamp(std::int64_t ms) {
    if (ms != time_ms_) {
      time_ms_ = ms;
      time_text_ = format_timestamp(ms);
    }
    return time_text_;
  }

  void append_tail(const asl::StateRun& run) {
    append_text_or_null(out_, run.log_path);
    out_ += ", \"error\": ";
    append_text_or_null(out_, run.error);
    out_ += ", \"cause\": ";
    append_text_or_null(out_, run.cause);
    out_ += '}';
  }

  std::string& out_;
  std::int64_t time_ms_ = -1;
  std::string time_text_;
};

}  // namespace

void write_asl_summary(const RunState& state, const asl::StateRuns& states, const TextSink& sink,
                       int redrive_count) {
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
  StepWriter steps(out);
  for (std::size_t i = 0; i < states.size(); ++i) {
    if (i) out += ", ";
    steps.append(states[i]);
    if (out.size() >= kFlushAt) {
      sink(out);
      out.clear();
    }
  }
  out += "]}";
  sink(out);
}

std::string render_asl_summary(const RunState& state, const asl::StateRuns& states,
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
