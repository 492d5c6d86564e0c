#pragma once

#include <string>

#include "core/load/node.hpp"
#include "core/validate/diagnostics.hpp"

namespace flowrun {

/// Checks the data fields of an ASL document with the interpreter's own parsers, so
/// `validate` and `run` agree: JSONPath syntax of path fields (Reference Paths where the spec
/// requires them), payload templates (`.$` values, duplicate fields), intrinsic calls
/// (syntax, names, argument counts) and Choice rule operands. States in JSONata mode are
/// skipped; `${Name}` placeholders get a note instead of a check.
void check_asl_data(const Node& root, const std::string& file, Diagnostics& diagnostics);

}  // namespace flowrun
