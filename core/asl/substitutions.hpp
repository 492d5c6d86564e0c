#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

// DefinitionSubstitutions: SAM, CDK and Terraform write `${Name}` placeholders into state
// machine definitions, in strings (`arn:${AWS::Partition}:states:::lambda:invoke`) and even
// where a number belongs (`"Seconds": ${Timeout}`). They are replaced in the text, before
// parsing, so positions in diagnostics refer to the substituted text.

namespace flowrun::asl {

using Substitutions = std::map<std::string, std::string, std::less<>>;

/// True when `text` is exactly one `${Name}` placeholder.
bool is_placeholder(std::string_view text);
/// True when `text` contains a `${Name}` placeholder anywhere.
bool has_placeholder(std::string_view text);

/// `text` with each `${Name}` whose name is in `values` replaced by its value. In a JSON
/// document (`json`), a value inside a string is escaped for JSON, and a placeholder left
/// outside any string is quoted (`${Timeout}` -> `"${Timeout}"`) so the document parses and
/// validation can see it; valid JSON never has one there, so nothing else changes.
std::string substitute_placeholders(std::string_view text, const Substitutions& values, bool json);

/// `NAME=VALUE` taken apart, or nullopt when there is no `=` or the name is not a valid
/// placeholder name (letters, digits, `_`, `-`, `.`, `:`).
std::optional<std::pair<std::string, std::string>> parse_substitution(std::string_view text);

/// The substitutions of a JSON or YAML file: a mapping of names to scalar values, optionally
/// under a `DefinitionSubstitutions` key (as in a SAM or CloudFormation template). Throws
/// flowrun::Error naming the file and the problem.
Substitutions read_substitutions_file(const std::string& path);

}  // namespace flowrun::asl
