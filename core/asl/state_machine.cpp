#include "core/asl/state_machine.hpp"

#include <algorithm>
#include <array>
#include <initializer_list>

#include "core/asl/compiled_data_flow.hpp"
#include "core/asl/choice_compiled.hpp"

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

namespace {

bool is_plain_name(std::string_view name) {
  return std::all_of(name.begin(), name.end(), [](char c) {
    auto byte = static_cast<unsigned char>(c);
    return byte >= 0x20 && byte < 0x80 && c != '"' && c != '\\';
  });
}

}  // namespace

DataFields DataFields::of(const nlohmann::json& definition) {
  DataFields fields;
  if (!definition.is_object()) {
    fields.compiled = compile_data_flow(definition, fields);
    return fields;
  }
  auto field = [&](const char* key) -> const nlohmann::json* {
    auto found = definition.find(key);
    return found == definition.end() ? nullptr : &*found;
  };
  fields.input_path = field("InputPath");
  auto type = definition.find("Type");
  if (type == definition.end() || *type != "Map") fields.parameters = field("Parameters");
  fields.result = field("Result");
  fields.result_selector = field("ResultSelector");
  fields.result_path = field("ResultPath");
  fields.output_path = field("OutputPath");
  fields.assign = field("Assign");
  fields.compiled = compile_data_flow(definition, fields);
  return fields;
}

void link_states(StateMachine& machine) {
  for (State& state : machine.states) {
    StateFacts& facts = state.facts;
    facts = StateFacts{};
    if (state.next.is_set()) facts.next = machine.find(state.next.name);
    facts.plain_name = is_plain_name(state.name);
    facts.data = DataFields::of(state.definition);
    facts.reads_context = state.jsonata || mentions_context(state.definition);
    for (const ChoiceRule& rule : state.choices) {
      facts.choice_next.push_back(rule.next.is_set() ? machine.find(rule.next.name) : nullptr);
    }
    if (state.default_.is_set()) facts.choice_default = machine.find(state.default_.name);
    if (state.type) {
      // Parameters of a Map shapes its items, not its input, but it is a data field all the
      // same.
      const bool data_fields = !facts.data.is_empty() || state.definition.contains("Parameters");
      const StateType type = *state.type;
      facts.terminal = state.end || type == StateType::Succeed;
      facts.identity = (type == StateType::Pass || type == StateType::Succeed) && !data_fields;
      facts.plain_choice = type == StateType::Choice && !data_fields;
      if (type == StateType::Choice && !state.jsonata) {
        facts.choice_program = std::make_shared<const ChoiceProgram>(state.definition);
      }
    }
    for (StateMachine& branch : state.branches) link_states(branch);
    if (state.iterator) link_states(*state.iterator);
  }
}

}  // namespace flowrun::asl
