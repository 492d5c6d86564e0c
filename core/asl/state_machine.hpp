#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/load/source.hpp"

namespace flowrun::asl {

/// The eight state types of the Amazon States Language.
enum class StateType { Task, Pass, Choice, Wait, Succeed, Fail, Parallel, Map };

/// The type's name as written in ASL ("Task", "Choice" ...).
std::string_view to_string(StateType type);
/// The type named `text` (exact, case-sensitive as in ASL), or nullopt.
std::optional<StateType> parse_state_type(std::string_view text);
/// Every type name, in declaration order (for did-you-mean suggestions).
const std::vector<std::string>& state_type_names();

/// A field key as written, with its position (for unknown-field checks and diagnostics).
struct FieldKey {
  std::string name;
  SourcePos pos;
  std::uint32_t length = 1;
};

/// A transition target (`Next`, `Default`, a Choice rule's or a Catcher's `Next`).
struct Target {
  std::string name;
  SourcePos pos;  ///< position of the value; unknown when missing or not a string
  std::uint32_t length = 1;
  SourcePos key_pos;  ///< position of the key; unknown when the field is missing

  bool is_set() const { return pos.is_known(); }
  bool is_present() const { return key_pos.is_known(); }
};

/// One top-level rule of a Choice state.
struct ChoiceRule {
  SourcePos pos;      ///< the rule's mapping
  Target next;        ///< the rule's `Next`
  std::string label;  ///< short human form of the condition: `$.total > 100`, `And(...)`
};

/// One entry of `Catch`.
struct Catcher {
  SourcePos pos;
  std::vector<std::string> error_equals;
  bool has_error_equals = false;
  Target next;
};

/// One entry of `Retry`, with the specification's defaults.
struct Retrier {
  SourcePos pos;
  std::vector<std::string> error_equals;
  bool has_error_equals = false;
  double interval_seconds = 1;
  std::int64_t max_attempts = 3;
  double backoff_rate = 2.0;
};

struct StateMachine;
struct State;
struct CompiledDataFlow;
class ChoiceProgram;

/// The JSONPath data-flow fields of a state, pointers into its `definition` (which never
/// changes after loading); null when a field is absent, a null JSON value when it is null.
struct DataFields {
  const nlohmann::json* input_path = nullptr;
  const nlohmann::json* parameters = nullptr;  ///< not a Map's: there it shapes the items
  const nlohmann::json* result = nullptr;
  const nlohmann::json* result_selector = nullptr;
  const nlohmann::json* result_path = nullptr;
  const nlohmann::json* output_path = nullptr;
  const nlohmann::json* assign = nullptr;
  /// The fields above (and a Map's ItemsPath and ItemSelector, a Fail's ErrorPath and
  /// CausePath) compiled; never null in fields made by `of`.
  std::shared_ptr<const CompiledDataFlow> compiled;

  /// The fields of `definition` (an object, or nothing), compiled.
  static DataFields of(const nlohmann::json& definition);
  bool is_empty() const {
    return !input_path && !parameters && !result && !result_selector && !result_path &&
           !output_path && !assign;
  }
};

/// What the interpreter needs of a state on every visit, worked out once when the machine is
/// loaded (link_states) rather than looked up in `definition` on each transition: a long
/// chain visits every state once per execution, so a per-execution cache would not help it.
struct StateFacts {
  const State* next = nullptr;  ///< the state `Next` names in the same machine; null if none
  bool terminal = false;        ///< End, or a Succeed state
  bool identity = false;        ///< a Pass/Succeed with no data fields: output = input
  bool plain_choice = false;    ///< a Choice without InputPath/Parameters/OutputPath/Assign ...
  bool plain_name = false;      ///< the name needs no escape in JSON text
  /// A Choice: the state each top-level rule's `Next` names (null when it names none), and
  /// the `Default` one.
  std::vector<const State*> choice_next;
  const State* choice_default = nullptr;
  /// A JSONPath Choice: its Choices compiled (null for other states and JSONata ones).
  std::shared_ptr<const ChoiceProgram> choice_program;
  DataFields data;  ///< the JSONPath data fields of `definition`
  /// Evaluating the state may read the context object (`$$`), so it must be up to date.
  bool reads_context = true;
};
struct JsonataState;

/// One state of a machine. Fields absent from the file keep their defaults and unknown
/// positions; `definition` keeps the state's whole JSON for the interpreter.
struct State {
  std::string name;
  SourcePos name_pos;  ///< the key naming the state
  std::uint32_t name_length = 1;
  bool is_mapping = true;         ///< false when the state was not a mapping (already reported)
  std::optional<StateType> type;  ///< nullopt when missing or unknown (see `type_name`)
  std::string type_name;          ///< `Type` as written; empty when missing
  SourcePos type_pos;
  std::uint32_t type_length = 1;
  std::string comment;

  Target next;
  bool end = false;
  SourcePos end_pos;  ///< known when the `End` field is present (true or false)

  bool has_choices = false;  ///< `Choices` present (it may still be empty)
  std::vector<ChoiceRule> choices;
  Target default_;

  std::vector<Retrier> retriers;
  std::vector<Catcher> catchers;

  std::string resource;
  SourcePos resource_pos;

  bool has_branches = false;  ///< `Branches` present (it may still be empty)
  std::vector<StateMachine> branches;
  /// Map's `ItemProcessor` (or legacy `Iterator`); null when neither is present.
  std::unique_ptr<StateMachine> iterator;
  std::string iterator_field;  ///< "ItemProcessor" or "Iterator"

  std::vector<FieldKey> fields;  ///< every key of the state, in file order
  nlohmann::json definition;
  StateFacts facts;  ///< set by link_states
  /// The compiled expressions of a state with `QueryLanguage: JSONata`; null for JSONPath.
  std::shared_ptr<const JsonataState> jsonata;

  State();
  ~State();
  State(State&&) noexcept;
  State& operator=(State&&) noexcept;

  /// True when `Next` names a state or `End` is true.
  bool has_transition() const { return next.is_set() || end; }
};

/// Hashes std::string and std::string_view alike, so that a lookup by view copies nothing.
struct NameHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view name) const {
    return std::hash<std::string_view>{}(name);
  }
};

/// A state machine: the top level of an ASL file, a Parallel branch or a Map processor.
struct StateMachine {
  SourcePos pos;  ///< the machine's mapping
  std::string comment;
  std::string start_at;
  SourcePos start_at_pos;  ///< the value; unknown when `StartAt` is missing
  std::uint32_t start_at_length = 1;
  bool has_states = false;  ///< `States` present and a mapping
  SourcePos states_pos;     ///< the `States` key
  std::vector<State> states;
  /// State name -> position in `states`; hashed: a Choice looks its target up by name on
  /// every transition.
  std::unordered_map<std::string, std::size_t, NameHash, std::equal_to<>> index;
  std::optional<std::int64_t> timeout_seconds;
  std::string version;
  std::vector<FieldKey> fields;  ///< every top-level key, in file order

  /// The state named `name`, or nullptr.
  const State* find(std::string_view name) const;
};

/// Works out every state's `facts`, in `machine` and its branches and Map processors. The
/// states must not move afterwards (moving the machine keeps them where they are).
void link_states(StateMachine& machine);

}  // namespace flowrun::asl
