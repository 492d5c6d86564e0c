#pragma once

#include <cstddef>
#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>

#include "core/asl/state_machine.hpp"

// The data layer of the ASL interpreter: JSONPath, payload templates with intrinsic
// functions, the input/output processing chain and Choice rules. Pure functions over JSON
// (no processes, no clock except where the spec needs one, e.g. States.UUID), so the
// interpreter that drives states and every unit test share one implementation.
//
// Each function takes the state's whole JSON definition (asl::State::definition) and reads
// the fields it needs itself, so the interpreter never duplicates the spec's defaults.

namespace flowrun::asl {

class JsonPath;
struct CompiledDataFlow;

/// A runtime error of the specification: `error` is its name (`States.ParameterPathFailure`,
/// `States.IntrinsicFailure`, `States.NoChoiceMatched` ...), `cause` the human text.
class AslError : public std::runtime_error {
 public:
  AslError(std::string error, std::string cause)
      : std::runtime_error(error + ": " + cause),
        error_(std::move(error)),
        cause_(std::move(cause)) {}
  const std::string& error() const { return error_; }
  const std::string& cause() const { return cause_; }

 private:
  std::string error_;
  std::string cause_;
};

/// The context object (`$$`) a state sees: Execution, State, StateMachine, Task, Map.
using ContextObject = nlohmann::json;

/// Applies a Path (`$.a.b[0]`, `$..x`, filters, slices; `$$.` reads `context`). A definite
/// path (members and indices only) yields its node and throws AslError with `error_name` (the
/// caller knows which: States.ParameterPathFailure, States.Runtime ...) when the node does not
/// exist or the path does not parse; an indefinite one yields the array of its matches,
/// possibly empty, as Jayway does.
nlohmann::json select_path(const nlohmann::json& document, std::string_view path,
                           const ContextObject& context, std::string_view error_name);

/// Applies a Reference Path, which must select exactly one node (no `..`, filters, slices).
nlohmann::json select_reference(const nlohmann::json& document, std::string_view path,
                                const ContextObject& context, std::string_view error_name);

/// The parsed form of `path` (cached); throws AslError `error_name` naming the syntax problem.
std::shared_ptr<const JsonPath> parse_path(std::string_view path, std::string_view error_name);

/// select_path and select_reference for a path parsed already (parse_path).
nlohmann::json select_parsed_path(const nlohmann::json& document, const JsonPath& path,
                                  const ContextObject& context, std::string_view error_name);
nlohmann::json select_parsed_reference(const nlohmann::json& document, const JsonPath& path,
                                       const ContextObject& context, std::string_view error_name);

/// Evaluates one `.$` value (also Fail's ErrorPath/CausePath): a Path on `input`, a `$$`
/// path on `context`, or an intrinsic function call. A path that matches nothing throws
/// `error_name`; a failing intrinsic throws States.IntrinsicFailure.
nlohmann::json evaluate_expression(std::string_view text, const nlohmann::json& input,
                                   const ContextObject& context, std::string_view error_name);

/// Evaluates a payload template (`Parameters`, `ResultSelector`, `ItemSelector`): keys
/// ending `.$` take a Path, `$$` path or intrinsic function call; other values are copied.
nlohmann::json evaluate_payload_template(const nlohmann::json& payload_template,
                                         const nlohmann::json& input, const ContextObject& context);

/// InputPath then Parameters of `state` on the state's raw input: the effective input.
nlohmann::json effective_input(const nlohmann::json& state, const nlohmann::json& raw_input,
                               const ContextObject& context);

/// The same from the state's fields looked up once (StateFacts::data): what the interpreter
/// calls on every visit.
nlohmann::json effective_input(const DataFields& fields, const nlohmann::json& raw_input,
                               const ContextObject& context);

/// ResultSelector, ResultPath (merging `result` into `raw_input`) then OutputPath: the
/// state's output. Pass states give their `Result` (or effective input) as `result`.
nlohmann::json state_output(const nlohmann::json& state, const nlohmann::json& raw_input,
                            const nlohmann::json& result, const ContextObject& context);
/// The same, consuming its inputs: an interpreter that owns them saves the copies (a Pass
/// state with default paths then moves its input straight to its output).
nlohmann::json state_output(const nlohmann::json& state, nlohmann::json&& raw_input,
                            nlohmann::json&& result, const ContextObject& context);
/// Both from the state's fields looked up once (StateFacts::data).
nlohmann::json state_output(const DataFields& fields, const nlohmann::json& raw_input,
                            const nlohmann::json& result, const ContextObject& context);
nlohmann::json state_output(const DataFields& fields, nlohmann::json&& raw_input,
                            nlohmann::json&& result, const ContextObject& context);
/// Consuming the result alone: the raw input stays the caller's (a Catcher may still need it).
nlohmann::json state_output(const DataFields& fields, const nlohmann::json& raw_input,
                            nlohmann::json&& result, const ContextObject& context);

/// A Catcher's ResultPath applied to the error output `{"Error": ..., "Cause": ...}`.
nlohmann::json catcher_output(const nlohmann::json& catcher, const nlohmann::json& raw_input,
                              const nlohmann::json& error_output);

/// The top-level Choice rule that matches first, or nullptr when none does and the state has
/// a Default; throws States.NoChoiceMatched when it has none.
const nlohmann::json* choose_rule(const nlohmann::json& state, const nlohmann::json& input,
                                  const ContextObject& context);

/// The name of the next state of a Choice `state` for `input` (its effective input): the
/// first matching rule's Next, else Default; throws States.NoChoiceMatched otherwise.
std::string choose_next(const nlohmann::json& state, const nlohmann::json& input,
                        const ContextObject& context);

/// Map: the items array (ItemsPath, default `$`, on the effective input); throws
/// States.Runtime when it is not an array.
nlohmann::json map_items(const nlohmann::json& state, const nlohmann::json& input,
                         const ContextObject& context);

/// Map: `items` (from ItemsPath or an ItemReader) grouped by the state's ItemBatcher, or
/// as they are when it has none.
nlohmann::json batch_map_items(const nlohmann::json& state, nlohmann::json items,
                               const nlohmann::json& input, const ContextObject& context);

/// Map: the input of one iteration (ItemSelector, or legacy Parameters, else the item).
/// `context` must already hold `Map.Item.Index` and `Map.Item.Value`.
nlohmann::json map_item_input(const nlohmann::json& state, const nlohmann::json& input,
                              const ContextObject& context);

/// The three Map functions with the state's fields compiled already (StateFacts::data).
nlohmann::json map_items(const nlohmann::json& state, const CompiledDataFlow& compiled,
                         const nlohmann::json& input, const ContextObject& context);
nlohmann::json batch_map_items(const nlohmann::json& state, const CompiledDataFlow& compiled,
                               nlohmann::json items, const nlohmann::json& input,
                               const ContextObject& context);
nlohmann::json map_item_input(const nlohmann::json& state, const CompiledDataFlow& compiled,
                              const nlohmann::json& input, const ContextObject& context);

}  // namespace flowrun::asl
