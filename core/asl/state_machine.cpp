#include "core/asl/state_machine.hpp"

#include <array>

namespace flowrun::asl {
namespace {

constexpr std::array<std::pair<StateType, std::string_view>, 8> kTypeNames{{
    {StateType::Task, "Task"},
    {StateType::Pass, "Pass"},
    {StateType::Choice, "Choice"},
    {StateType::Wait, "Wait"},
    {StateType::Succeed, "Succeed"},
    {StateType::Fail, "Fail"},
    {StateType::Parallel, "Parallel"},
    {StateType::Map, "Map"},
}};

}  // namespace

std::string_view to_string(StateType type) {
  for (const auto& [value, name] : kTypeNames) {
    if (value == type) return name;
  }
  return "Task";
}

std::optional<StateType> parse_state_type(std::string_view text) {
  for (const auto& [value, name] : kTypeNames) {
    if (name == text) return value;
  }
  return std::nullopt;
}

const std::vector<std::string>& state_type_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& entry : kTypeNames) out.emplace_back(entry.second);
    return out;
  }();
  return names;
}

State::State() = default;
State::~State() = default;
State::State(State&&) noexcept = default;
State& State::operator=(State&&) noexcept = default;

const State* StateMachine::find(std::string_view name) const {
  auto it = index.find(name);
  return it == index.end() ? nullptr : &states[it->second];
}

}  // namespace flowrun::asl
