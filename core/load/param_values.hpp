#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/model/workflow.hpp"

namespace flowrun {

/// One parameter value given for a run.
struct ParamInput {
  std::string name;
  nlohmann::json value;
  bool is_text = false;  ///< from `-p NAME=VALUE`: typed by the declaration
  std::string origin;    ///< "-p", "--params-file F", "--input" (for messages)
};

/// The params of a run: typed values (defaults filled in) and every problem found, each a
/// sentence naming the param, the value and the rule.
struct ResolvedParams {
  nlohmann::json values = nlohmann::json::object();
  std::vector<std::string> errors;
};

/// How the values are named in messages: a run's params, or the inputs of an approval.
struct ValueSyntax {
  std::string_view noun = "param";
  std::string_view owner = "the workflow";  ///< who declares them
  std::string_view flag = "-p";             ///< how one is given on the command line
};

/// Checks `given` (later entries win) against the declarations: unknown names, types (a
/// `-p` text is converted: `-p retries=3` gives the integer 3), enum, pattern, minimum,
/// maximum and required params without a value.
ResolvedParams resolve_params(const std::vector<Param>& declared,
                              const std::vector<ParamInput>& given, const ValueSyntax& syntax = {});

/// How a string value fares against a param's `pattern` (found anywhere in the value, as
/// JSON Schema's `pattern`). A pattern that does not compile counts as matching: loading
/// reports it.
struct PatternCheck {
  bool matches = true;
  std::string failure;  ///< why matching could not decide (a resource limit); else empty
};
PatternCheck check_pattern(const std::string& pattern, const std::string& value);

/// `NAME=VALUE` as given after `-p` (or an approval's `-i`), typed later by the declaration;
/// nullopt when there is no `=` or no name before it.
std::optional<ParamInput> text_input(const std::string& entry, const std::string& origin);

/// The entries of a JSON object as inputs (for --params-file and --input); an error
/// message when `value` is not an object.
std::vector<ParamInput> object_inputs(const nlohmann::json& value, const std::string& origin,
                                      std::string& error);

/// A copy of `params` with the values of secret params replaced by "***".
nlohmann::json mask_secret_params(const std::vector<Param>& declared, const nlohmann::json& params);

/// The values of secret params as strings (to hide them wherever they appear).
std::vector<std::string> secret_values(const std::vector<Param>& declared,
                                       const nlohmann::json& params);

/// `text` with every occurrence of each secret replaced by "***".
std::string hide_secrets(std::string text, const std::vector<std::string>& secrets);
/// The same for every string (and key) inside a JSON value.
nlohmann::json hide_secrets(const nlohmann::json& value, const std::vector<std::string>& secrets);

}  // namespace flowrun
