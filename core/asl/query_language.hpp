#pragma once

#include "core/load/node.hpp"

namespace flowrun::asl {

/// Whether the state machine or state `node` uses JSONata: its own `QueryLanguage` when it
/// names one, else `inherited` (the enclosing machine's or state's; JSONPath at the top).
bool uses_jsonata(const Node& node, bool inherited);

}  // namespace flowrun::asl
