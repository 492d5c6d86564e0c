#include "core/store/event_batch.hpp"

#include <charconv>
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

}  // namespace

void append_batched_event(std::string& batch, std::int64_t at_ms, std::string_view type,
                          std::string_view state, int attempt, std::string_view frame,
                          std::string_view detail) {
  char number[24];
  auto end = std::to_chars(number, number + sizeof number, at_ms).ptr;
  batch.append(number, end);
  batch += '\t';
  batch += type;
  batch += '\t';
  append_json_string(batch, state);
  batch += '\t';
  end = std::to_chars(number, number + sizeof number, attempt).ptr;
  batch.append(number, end);
  if (!frame.empty()) {
    batch += '@';
    batch += frame;
  }
  batch += '\t';
  batch += detail;
  batch += '\n';
}

void expand_event_batch(std::string_view batch, std::vector<EventRow>& out) {
  while (!batch.empty()) {
    std::size_t newline = batch.find('\n');
    std::string_view line = batch.substr(0, newline);
    batch.remove_prefix(newline == std::string_view::npos ? batch.size() : newline + 1);
    EventRow event;
    event.at_ms = to_int(take_field(line));
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
