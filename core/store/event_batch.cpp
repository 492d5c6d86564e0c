#include "core/store/event_batch.hpp"

#include <charconv>
#include <cstring>
#include <nlohmann/json.hpp>

#include "core/report/run_summary.hpp"

namespace flowrun {
namespace {

// The next tab-separated field of `line`, consumed.
std::string_view take_field(std::string_view& line) {
  std::size_t tab = line.find('\t');
  std::string_view field = line.substr(0, tab);
  line.remove_prefix(tab == std::string_view::npos ? line.size() : tab + 1);
  return field;
}

std::int64_t to_int(std::string_view text) {
  std::int64_t value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

// The line of an event up to its detail: `at_ms TAB type TAB "state" TAB attempt[@frame] TAB`.
// Written into a buffer on the stack and appended at once: a Pass chain writes two lines per
// state, and a dozen appends were most of their cost.
void append_event_head(EventBatch& batch, std::int64_t at_ms, std::string_view type,
                       std::string_view state, int attempt, std::string_view frame,
                       bool state_is_plain) {
  constexpr std::size_t kRoom = 320;
  constexpr std::size_t kNumbers = 48;  // two numbers, four tabs, quotes and '@'
  const bool same_ms = at_ms == batch.last_ms;
  batch.last_ms = at_ms;
  std::string& text = batch.text;
  if (type.size() + state.size() + frame.size() + kNumbers > kRoom ||
      (!state_is_plain && !is_plain_json_text(state))) {
    char number[24];
    if (!same_ms) text.append(number, std::to_chars(number, number + sizeof number, at_ms).ptr);
    text += '\t';
    text += type;
    text += '\t';
    append_json_string(text, state);
    text += '\t';
    text.append(number, std::to_chars(number, number + sizeof number, attempt).ptr);
    if (!frame.empty()) {
      text += '@';
      text += frame;
    }
    text += '\t';
    return;
  }
  char line[kRoom];
  char* at = line;
  auto put = [&](std::string_view part) {
    if (part.empty()) return;  // an empty view may have no data: memcpy must not see null
    std::memcpy(at, part.data(), part.size());
    at += part.size();
  };
  if (!same_ms) at = std::to_chars(at, at + 24, at_ms).ptr;
  *at++ = '\t';
  put(type);
  *at++ = '\t';
  *at++ = '"';
  put(state);
  *at++ = '"';
  *at++ = '\t';
  at = std::to_chars(at, at + 12, attempt).ptr;
  if (!frame.empty()) {
    *at++ = '@';
    put(frame);
  }
  *at++ = '\t';
  text.append(line, static_cast<std::size_t>(at - line));
}

}  // namespace

void append_batched_event(EventBatch& batch, std::int64_t at_ms, std::string_view type,
                          std::string_view state, int attempt, std::string_view frame,
                          std::string_view detail, bool state_is_plain) {
  append_event_head(batch, at_ms, type, state, attempt, frame, state_is_plain);
  batch.text += detail;
  batch.text += '\n';
}

void append_batched_event(EventBatch& batch, std::int64_t at_ms, std::string_view type,
                          std::string_view state, int attempt, std::string_view frame,
                          std::string_view detail_head, std::string_view detail_body,
                          bool state_is_plain) {
  append_event_head(batch, at_ms, type, state, attempt, frame, state_is_plain);
  batch.text += detail_head;
  batch.text += detail_body;
  batch.text.append("}\n", 2);
}

void expand_event_batch(std::string_view batch, std::vector<EventRow>& out) {
  std::int64_t last_ms = 0;
  while (!batch.empty()) {
    std::size_t newline = batch.find('\n');
    std::string_view line = batch.substr(0, newline);
    batch.remove_prefix(newline == std::string_view::npos ? batch.size() : newline + 1);
    EventRow event;
    std::string_view at_ms = take_field(line);
    event.at_ms = at_ms.empty() ? last_ms : to_int(at_ms);
    last_ms = event.at_ms;
    event.type = std::string(take_field(line));
    std::string_view state = take_field(line);
    std::string_view attempt = take_field(line);
    event.attempt = static_cast<int>(to_int(attempt));
    if (std::size_t at = attempt.find('@'); at != std::string_view::npos) {
      event.frame = std::string(attempt.substr(at + 1));
    }
    event.detail = std::string(line);
    nlohmann::json name = nlohmann::json::parse(state, nullptr, false);
    if (event.type.empty() || !name.is_string()) continue;
    event.step_id = name.get<std::string>();
    out.push_back(std::move(event));
  }
}

}  // namespace flowrun
