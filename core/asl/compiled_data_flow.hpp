#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "core/asl/compiled_template.hpp"
#include "core/asl/state_machine.hpp"

// A JSONPath state's data-flow fields compiled when the machine is loaded (DataFields::of):
// its paths parsed, its payload templates compiled, so that a visit evaluates them without
// reading text. A field that does not compile keeps the error it raises when used.

namespace flowrun::asl {

/// A path field (InputPath, ResultPath, OutputPath, ItemsPath) that is present and not null.
class CompiledPath {
 public:
  /// `field` as a path: when it is not a string, path() throws States.Runtime with
  /// `not_string_cause`; when it does not parse, `syntax_error_name` naming the problem.
  CompiledPath(const nlohmann::json& field, std::string_view not_string_cause,
               std::string_view syntax_error_name);

  /// The parsed path, or throws the field's error.
  const JsonPath& path() const;

 private:
  std::shared_ptr<const JsonPath> path_;
  std::string error_;
  std::string cause_;
};

/// The compiled fields of one state; a field is set when the state has it (and, for a path,
/// when it is not null).
struct CompiledDataFlow {
  std::optional<CompiledPath> input_path;
  std::optional<CompiledPath> result_path;
  std::optional<CompiledPath> output_path;
  std::optional<CompiledTemplate> parameters;  ///< not a Map's (see item_selector)
  std::optional<CompiledTemplate> result_selector;
  std::optional<CompiledTemplate> assign;  ///< when a non-empty object
  // Map
  std::optional<CompiledPath> items_path;
  std::optional<CompiledTemplate> item_selector;  ///< ItemSelector, or the legacy Parameters
  // Fail, when strings
  std::optional<CompiledExpression> error_path;
  std::optional<CompiledExpression> cause_path;
};

/// The path field `field` (InputPath, ResultPath, OutputPath, named `name`) compiled; nullopt
/// when it is absent or null, which mean something of their own.
std::optional<CompiledPath> compile_path_field(const nlohmann::json* field, const char* name,
                                               std::string_view syntax_error_name);

/// Compiles the fields of `definition` (a state) that `fields` points at, and the Map and
/// Fail fields it has. Never throws.
std::shared_ptr<const CompiledDataFlow> compile_data_flow(const nlohmann::json& definition,
                                                          const DataFields& fields);

/// Compiles the Map fields of `state` (ItemsPath, ItemSelector or the legacy Parameters) into
/// `flow`, whatever its Type says.
void compile_map_fields(const nlohmann::json& state, CompiledDataFlow& flow);

/// True when some string of `definition` holds `$$`: only then can evaluating the state read
/// the context object (a path into it always starts `$$`).
bool mentions_context(const nlohmann::json& definition);

}  // namespace flowrun::asl
