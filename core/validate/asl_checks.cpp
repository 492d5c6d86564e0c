#include "core/validate/asl_checks.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "core/util/text.hpp"

namespace flowrun {
namespace {

using asl::State;
using asl::StateMachine;
using asl::StateType;

constexpr std::size_t kMaxStateName = 80;

// Fields every state type may carry (JSONPath and JSONata query languages).
const std::vector<std::string> kCommonFields = {
    "Type",       "Comment",       "Next",           "End",        "InputPath",
    "OutputPath", "Parameters",    "ResultSelector", "ResultPath", "Retry",
    "Catch",      "QueryLanguage", "Arguments",      "Output",     "Assign"};

const std::vector<std::string>& type_fields(StateType type) {
  static const std::vector<std::string> task = {
      "Resource",         "TimeoutSeconds",       "TimeoutSecondsPath",
      "HeartbeatSeconds", "HeartbeatSecondsPath", "Credentials"};
  static const std::vector<std::string> pass = {"Result"};
  static const std::vector<std::string> choice = {"Choices", "Default"};
  static const std::vector<std::string> wait = {"Seconds", "SecondsPath", "Timestamp",
                                                "TimestampPath"};
  static const std::vector<std::string> fail = {"Error", "ErrorPath", "Cause", "CausePath"};
  static const std::vector<std::string> parallel = {"Branches"};
  static const std::vector<std::string> map = {"ItemProcessor",
                                               "Iterator",
                                               "ItemsPath",
                                               "Items",
                                               "ItemSelector",
                                               "ItemReader",
                                               "ItemBatcher",
                                               "ResultWriter",
                                               "MaxConcurrency",
                                               "MaxConcurrencyPath",
                                               "ToleratedFailureCount",
                                               "ToleratedFailureCountPath",
                                               "ToleratedFailurePercentage",
                                               "ToleratedFailurePercentagePath",
                                               "Label"};
  static const std::vector<std::string> none;
  switch (type) {
    case StateType::Task:
      return task;
    case StateType::Pass:
      return pass;
    case StateType::Choice:
      return choice;
    case StateType::Wait:
      return wait;
    case StateType::Fail:
      return fail;
    case StateType::Parallel:
      return parallel;
    case StateType::Map:
      return map;
    case StateType::Succeed:
      return none;
  }
  return none;
}

// The fields a state of `type` may have; every type's fields when the type is unknown.
std::vector<std::string> collect_state_fields(std::optional<StateType> type) {
  std::vector<std::string> fields = kCommonFields;
  for (const std::string& type_name : asl::state_type_names()) {
    StateType each = *asl::parse_state_type(type_name);
    if (type && *type != each) continue;
    for (const std::string& field : type_fields(each)) {
      if (std::find(fields.begin(), fields.end(), field) == fields.end()) fields.push_back(field);
    }
  }
  return fields;
}

const std::vector<std::string>& known_state_fields(std::optional<StateType> type) {
  static const std::vector<std::vector<std::string>> by_type = [] {
    std::vector<std::vector<std::string>> out;
    for (const std::string& name : asl::state_type_names()) {
      out.push_back(collect_state_fields(asl::parse_state_type(name)));
    }
    out.push_back(collect_state_fields(std::nullopt));
    return out;
  }();
  return type ? by_type[static_cast<std::size_t>(*type)] : by_type.back();
}

bool is_empty_member(const nlohmann::json& definition, const char* key) {
  auto it = definition.find(key);
  return it != definition.end() && it->empty();
}

bool contains(const std::vector<std::string>& list, const std::string& word) {
  return std::find(list.begin(), list.end(), word) != list.end();
}

const asl::FieldKey* find_field(const std::vector<asl::FieldKey>& fields, std::string_view name) {
  for (const auto& field : fields) {
    if (field.name == name) return &field;
  }
  return nullptr;
}

std::size_t count_characters(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

class Checker {
 public:
  Checker(const std::string& file, Diagnostics& diagnostics)
      : file_(file), diagnostics_(diagnostics) {}

  // `where` names the machine in messages ("the state machine", "branch 1 of state 'P'").
  void check_machine(const StateMachine& machine, const std::string& where, bool nested) {
    static const std::vector<std::string> top = {"Comment", "StartAt",        "States",
                                                 "Version", "TimeoutSeconds", "QueryLanguage"};
    static const std::vector<std::string> inner = {"Comment", "StartAt", "States",
                                                   "ProcessorConfig", "QueryLanguage"};
    check_fields(machine.fields, nested ? inner : top, nested ? inner : top,
                 fmt::format("in {}", where));
    check_start(machine, where);
    enclosing_.push_back(&machine);
    for (const State& state : machine.states) check_state(machine, state);
    enclosing_.pop_back();
    if (machine.find(machine.start_at)) check_reachability(machine);
  }

 private:
  void check_start(const StateMachine& machine, const std::string& where) {
    if (!find_field(machine.fields, "StartAt")) {
      diagnostics_.error("asl-missing-field", file_, machine.pos,
                         fmt::format("{} has no 'StartAt'", where));
    }
    if (!find_field(machine.fields, "States")) {
      diagnostics_.error("asl-missing-field", file_, machine.pos,
                         fmt::format("{} has no 'States'", where));
      return;
    }
    if (!machine.has_states) return;  // not a mapping: reported by the loader
    if (machine.states.empty()) {
      diagnostics_.error("asl-empty-states", file_, machine.states_pos,
                         fmt::format("'States' of {} has no states", where),
                         find_field(machine.fields, "States")->length);
      return;
    }
    if (machine.start_at_pos.is_known() && !machine.find(machine.start_at)) {
      auto& d =
          diagnostics_.error("asl-unknown-start", file_, machine.start_at_pos,
                             fmt::format("StartAt names unknown state '{}'", machine.start_at),
                             machine.start_at_length);
      suggest_state(d, machine, machine.start_at);
    }
  }

  void check_fields(const std::vector<asl::FieldKey>& fields, const std::vector<std::string>& known,
                    const std::vector<std::string>& suggestions, const std::string& where) {
    for (const auto& field : fields) {
      if (contains(known, field.name)) continue;
      auto& d = diagnostics_.warning("asl-unknown-field", file_, field.pos,
                                     fmt::format("unknown field '{}' {}", field.name, where),
                                     field.length);
      if (auto match = closest_match(field.name, suggestions)) {
        d.note(fmt::format("did you mean '{}'?", *match));
      }
    }
  }

  void suggest_state(Diagnostic& d, const StateMachine& machine, const std::string& name) {
    std::vector<std::string> names;
    names.reserve(machine.states.size());
    for (const State& state : machine.states) names.push_back(state.name);
    if (auto match = closest_match(name, names)) {
      d.note(fmt::format("did you mean '{}'?", *match));
      return;
    }
    for (const StateMachine* outer : enclosing_) {
      if (outer != &machine && outer->find(name)) {
        d.note(
            fmt::format("'{}' belongs to an enclosing machine; a branch or processor can only move "
                        "between its own states",
                        name));
        return;
      }
    }
  }

  void check_target(const StateMachine& machine, const asl::Target& target,
                    const std::string& what) {
    if (!target.is_set() || machine.find(target.name)) return;
    auto& d = diagnostics_.error("asl-unknown-target", file_, target.pos,
                                 fmt::format("{} names unknown state '{}'", what, target.name),
                                 target.length);
    suggest_state(d, machine, target.name);
  }

  void check_targets(const StateMachine& machine, const State& state) {
    check_target(machine, state.next, fmt::format("Next of state '{}'", state.name));
    check_target(machine, state.default_, fmt::format("Default of state '{}'", state.name));
    for (std::size_t i = 0; i < state.choices.size(); ++i) {
      const auto& rule = state.choices[i];
      std::string what = fmt::format("Choice rule {} of state '{}'", i + 1, state.name);
      if (!rule.next.is_present()) {
        diagnostics_.error("asl-missing-field", file_, rule.pos,
                           fmt::format("{} has no 'Next'", what));
      }
      check_target(machine, rule.next, what);
    }
    for (std::size_t i = 0; i < state.catchers.size(); ++i) {
      const auto& catcher = state.catchers[i];
      std::string what = fmt::format("Catch {} of state '{}'", i + 1, state.name);
      if (!catcher.next.is_present()) {
        diagnostics_.error("asl-missing-field", file_, catcher.pos,
                           fmt::format("{} has no 'Next'", what));
      }
      if (!catcher.has_error_equals) {
        diagnostics_.error("asl-missing-field", file_, catcher.pos,
                           fmt::format("{} has no 'ErrorEquals'", what));
      }
      check_target(machine, catcher.next, what);
    }
  }

  void check_type(const State& state) {
    if (!find_field(state.fields, "Type")) {
      diagnostics_.error("asl-missing-type", file_, state.name_pos,
                         fmt::format("state '{}' has no 'Type'", state.name), state.name_length);
    } else if (!state.type && state.type_pos.is_known()) {
      auto& d = diagnostics_.error(
          "asl-unknown-type", file_, state.type_pos,
          fmt::format("state '{}' has unknown Type '{}'", state.name, state.type_name),
          state.type_length);
      if (auto match = closest_match(state.type_name, asl::state_type_names())) {
        d.note(fmt::format("did you mean '{}'?", *match));
      }
    }
  }

  void forbid_transition(const State& state) {
    auto type = to_string(*state.type);
    const char* why = *state.type == StateType::Choice ? "its rules choose the next state"
                                                       : "it ends the execution";
    for (const char* key : {"Next", "End"}) {
      if (const auto* field = find_field(state.fields, key)) {
        diagnostics_.error(
            "asl-transition-not-allowed", file_, field->pos,
            fmt::format("{} state '{}' cannot have '{}': {}", type, state.name, key, why),
            field->length);
      }
    }
  }

  void check_transition(const State& state) {
    switch (*state.type) {
      case StateType::Choice:
      case StateType::Succeed:
      case StateType::Fail:
        forbid_transition(state);
        return;
      default:
        break;
    }
    const auto* next = find_field(state.fields, "Next");
    const auto* end = find_field(state.fields, "End");
    // An End of the wrong kind was reported by the loader; do not also ask for a transition.
    bool end_given = state.end || (end && !state.definition.at("End").is_boolean());
    if (next && end_given) {
      diagnostics_.error("asl-next-and-end", file_, end->pos,
                         fmt::format("state '{}' has both 'Next' and 'End: true'", state.name),
                         end->length);
    } else if (!next && !end_given) {
      diagnostics_.error("asl-missing-transition", file_, state.name_pos,
                         fmt::format("{} state '{}' needs 'Next' or 'End: true'",
                                     to_string(*state.type), state.name),
                         state.name_length);
    }
  }

  void require(const State& state, bool present, const char* code, const std::string& message) {
    if (!present) diagnostics_.error(code, file_, state.name_pos, message, state.name_length);
  }

  void check_required(const State& state) {
    auto has = [&](std::string_view key) { return find_field(state.fields, key) != nullptr; };
    switch (*state.type) {
      case StateType::Task:
        require(state, has("Resource"), "asl-missing-resource",
                fmt::format("Task state '{}' has no 'Resource'", state.name));
        check_heartbeat(state);
        break;
      case StateType::Choice:
        if (!has("Choices") || state.choices.empty()) check_choices(state);
        break;
      case StateType::Parallel:
        require(state, has("Branches"), "asl-missing-branches",
                fmt::format("Parallel state '{}' has no 'Branches'", state.name));
        if (state.has_branches && is_empty_member(state.definition, "Branches")) {
          const auto* field = find_field(state.fields, "Branches");
          diagnostics_.error("asl-missing-branches", file_, field->pos,
                             fmt::format("'Branches' of Parallel state '{}' is empty", state.name),
                             field->length);
        }
        break;
      case StateType::Map:
        require(state, has("ItemProcessor") || has("Iterator"), "asl-missing-processor",
                fmt::format("Map state '{}' has no 'ItemProcessor' (or 'Iterator')", state.name));
        break;
      default:
        break;
    }
  }

  // The specification: "the HeartbeatSeconds interval MUST be smaller than the
  // TimeoutSeconds value" (checked when both are written as numbers).
  void check_heartbeat(const State& state) {
    const nlohmann::json& definition = state.definition;
    auto timeout = definition.find("TimeoutSeconds");
    auto heartbeat = definition.find("HeartbeatSeconds");
    if (timeout == definition.end() || heartbeat == definition.end()) return;
    if (!timeout->is_number() || !heartbeat->is_number()) return;
    if (heartbeat->get<double>() < timeout->get<double>()) return;
    const auto* field = find_field(state.fields, "HeartbeatSeconds");
    diagnostics_.error("asl-heartbeat-not-below-timeout", file_, field->pos,
                       fmt::format("HeartbeatSeconds of Task state '{}' must be smaller than its "
                                   "TimeoutSeconds ({})",
                                   state.name, timeout->dump()),
                       field->length);
  }

  void check_choices(const State& state) {
    const auto* field = find_field(state.fields, "Choices");
    if (!field) {
      require(state, false, "asl-empty-choices",
              fmt::format("Choice state '{}' has no 'Choices'", state.name));
    } else if (state.has_choices && is_empty_member(state.definition, "Choices")) {
      diagnostics_.error("asl-empty-choices", file_, field->pos,
                         fmt::format("'Choices' of Choice state '{}' is empty", state.name),
                         field->length);
    }
  }

  void check_name(const State& state) {
    std::size_t length = count_characters(state.name);
    if (length <= kMaxStateName) return;
    diagnostics_.error(
        "asl-name-too-long", file_, state.name_pos,
        fmt::format("state name is {} characters long; the limit is {}", length, kMaxStateName),
        state.name_length);
  }

  void check_state(const StateMachine& machine, const State& state) {
    check_name(state);
    check_targets(machine, state);
    if (!state.is_mapping) return;
    check_type(state);
    check_fields(state.fields, known_state_fields(std::nullopt), known_state_fields(state.type),
                 fmt::format("in state '{}'", state.name));
    if (state.type) {
      check_transition(state);
      check_required(state);
    }
    for (std::size_t i = 0; i < state.branches.size(); ++i) {
      check_machine(state.branches[i], fmt::format("branch {} of state '{}'", i + 1, state.name),
                    true);
    }
    if (state.iterator) {
      check_machine(*state.iterator,
                    fmt::format("'{}' of state '{}'", state.iterator_field, state.name), true);
    }
  }

  void check_reachability(const StateMachine& machine) {
    std::vector<bool> reached(machine.states.size(), false);
    std::vector<std::size_t> pending = {machine.index.find(machine.start_at)->second};
    reached[pending.front()] = true;
    auto visit = [&](const asl::Target& target) {
      auto it = machine.index.find(target.name);
      if (!target.is_set() || it == machine.index.end() || reached[it->second]) return;
      reached[it->second] = true;
      pending.push_back(it->second);
    };
    while (!pending.empty()) {
      const State& state = machine.states[pending.back()];
      pending.pop_back();
      visit(state.next);
      visit(state.default_);
      for (const auto& rule : state.choices) visit(rule.next);
      for (const auto& catcher : state.catchers) visit(catcher.next);
    }
    for (std::size_t i = 0; i < machine.states.size(); ++i) {
      if (reached[i]) continue;
      const State& state = machine.states[i];
      diagnostics_.warning(
          "asl-unreachable", file_, state.name_pos,
          fmt::format("state '{}' is unreachable from StartAt '{}'", state.name, machine.start_at),
          state.name_length);
    }
  }

  const std::string& file_;
  Diagnostics& diagnostics_;
  std::vector<const StateMachine*> enclosing_;
};

}  // namespace

void validate_state_machine(const asl::StateMachine& machine, const std::string& file,
                            Diagnostics& diagnostics) {
  Checker(file, diagnostics).check_machine(machine, "the state machine", false);
}

}  // namespace flowrun
