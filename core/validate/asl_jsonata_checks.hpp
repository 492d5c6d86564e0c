#pragma once

#include <string>

#include "core/load/node.hpp"
#include "core/validate/asl_data_reporter.hpp"

// Rules of the JSONata query language (`QueryLanguage: JSONata`): which fields a JSONata
// state may have, the syntax of its `{% %}` expressions (with the interpreter's own parser),
// and the literal values that stand where an expression may.

namespace flowrun {

/// The fields and expressions of the JSONata state `state` named `name`.
void check_jsonata_state(const Node& state, const std::string& name, AslDataReporter& reporter);

/// A JSONPath state `name` that uses a field only JSONata states have (Arguments, Output,
/// Items, a Choice rule's Condition).
void check_jsonpath_state_fields(const Node& state, const std::string& name,
                                 AslDataReporter& reporter);

/// The `QueryLanguage` of a machine or state: `JSONPath` or `JSONata`, and never JSONPath
/// inside a state machine whose top level says JSONata.
void check_query_language(const Node& node, const std::string& what, bool top_is_jsonata,
                          AslDataReporter& reporter);

}  // namespace flowrun
