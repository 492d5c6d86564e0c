#include "core/engine/fan_out.hpp"

#include <charconv>
#include <cmath>

namespace flowrun {
namespace {

bool is_combination_key(const std::string& name) { return name == "include" || name == "exclude"; }

// True when every key of `entry` that `combination` has holds the same value there.
bool matches(const nlohmann::json& combination, const nlohmann::json& entry) {
  for (const auto& [key, value] : entry.items()) {
    auto found = combination.find(key);
    if (found == combination.end() || *found != value) return false;
  }
  return true;
}

// GitHub's include rule: an entry joins a combination when it changes none of the values
// the combination took from the matrix lists (values added by earlier includes may change).
bool fits(const nlohmann::json& combination, const nlohmann::json& entry,
          const nlohmann::json& dimensions) {
  for (const auto& [key, value] : entry.items()) {
    if (!dimensions.contains(key)) continue;
    auto found = combination.find(key);
    if (found != combination.end() && *found != value) return false;
  }
  return true;
}

}  // namespace

std::string unit_label(const Workflow& workflow, const RunState& state, std::size_t unit) {
  if (!state.is_child(unit)) return workflow.steps[unit].id;
  const ChildRecord& child = state.children[unit - state.steps.size()];
  std::string label = workflow.steps[child.step].id;
  label += '[';
  label += std::to_string(child.index);
  label += ']';
  return label;
}

std::optional<std::pair<std::string_view, std::uint32_t>> split_child_label(
    std::string_view label) {
  if (label.size() < 4 || label.back() != ']') return std::nullopt;
  std::size_t open = label.rfind('[');
  if (open == std::string_view::npos || open == 0) return std::nullopt;
  std::uint32_t index = 0;
  const char* first = label.data() + open + 1;
  const char* last = label.data() + label.size() - 1;
  auto [end, error] = std::from_chars(first, last, index);
  if (error != std::errc() || end != last || first == last) return std::nullopt;
  return std::pair{label.substr(0, open), index};
}

nlohmann::json expand_matrix(const nlohmann::json& matrix) {
  nlohmann::json dimensions = nlohmann::json::object();
  for (const auto& [name, values] : matrix.items()) {
    if (!is_combination_key(name) && values.is_array()) dimensions[name] = values;
  }
  nlohmann::json combinations = nlohmann::json::array();
  if (!dimensions.empty()) combinations.push_back(nlohmann::json::object());
  for (const auto& [name, values] : dimensions.items()) {
    nlohmann::json next = nlohmann::json::array();
    for (const auto& combination : combinations) {
      for (const auto& value : values) {
        nlohmann::json extended = combination;
        extended[name] = value;
        next.push_back(std::move(extended));
      }
    }
    combinations = std::move(next);
  }
  if (auto exclude = matrix.find("exclude"); exclude != matrix.end() && exclude->is_array()) {
    nlohmann::json kept = nlohmann::json::array();
    for (auto& combination : combinations) {
      bool excluded = false;
      for (const auto& entry : *exclude) excluded = excluded || matches(combination, entry);
      if (!excluded) kept.push_back(std::move(combination));
    }
    combinations = std::move(kept);
  }
  if (auto include = matrix.find("include"); include != matrix.end() && include->is_array()) {
    const std::size_t original = combinations.size();
    for (const auto& entry : *include) {
      bool joined = false;
      for (std::size_t i = 0; i < original; ++i) {
        if (!fits(combinations[i], entry, dimensions)) continue;
        combinations[i].update(entry);
        joined = true;
      }
      if (!joined) combinations.push_back(entry);
    }
  }
  return combinations;
}

bool exceeds_tolerance(const std::optional<std::string>& tolerated_failures, std::size_t failed,
                       std::size_t total) {
  if (failed == 0) return false;
  if (!tolerated_failures || tolerated_failures->empty()) return true;
  const std::string& text = *tolerated_failures;
  if (text.back() == '%') {
    double percent = std::strtod(text.c_str(), nullptr);
    return static_cast<double>(failed) * 100.0 > percent * static_cast<double>(total);
  }
  return failed > static_cast<std::size_t>(std::strtoull(text.c_str(), nullptr, 10));
}

std::string item_env_value(const nlohmann::json& item) {
  if (item.is_string()) return item.get<std::string>();
  return item.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

bool items_from_value(const nlohmann::json& value, nlohmann::json& items, std::string& cause) {
  if (value.is_array()) {
    items = value;
    return true;
  }
  if (value.is_string()) {
    nlohmann::json parsed =
        nlohmann::json::parse(value.get<std::string>(), nullptr, /*allow_exceptions=*/false);
    if (parsed.is_array()) {
      items = std::move(parsed);
      return true;
    }
  }
  std::string shown = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (shown.size() > 80) shown = shown.substr(0, 77) + "...";
  cause = "foreach: the expression gave " + shown + ", not a list";
  return false;
}

}  // namespace flowrun
