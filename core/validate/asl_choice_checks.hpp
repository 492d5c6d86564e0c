#pragma once

#include <string>

#include "core/load/node.hpp"
#include "core/validate/asl_data_reporter.hpp"

namespace flowrun {

/// Checks the `Choices` of the JSONPath Choice state `state` named `name`: each rule is one
/// comparison (with a `Variable`) or one of And/Or/Not, nested rules carry no `Next`, operands
/// have the operator's type, and paths parse.
void check_choice_rules(const Node& state, const std::string& name, AslDataReporter& reporter);

}  // namespace flowrun
