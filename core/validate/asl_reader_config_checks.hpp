#pragma once

#include <string>

#include "core/load/node.hpp"
#include "core/validate/asl_data_reporter.hpp"

// A distributed Map's `ItemReader.ReaderConfig` (both query languages): the InputType, and an
// ItemsPointer that must be a JSON Pointer into a JSON object.

namespace flowrun {

/// The ReaderConfig of the ItemReader of Map state `name`, when it has one. Values that are
/// `{% %}` expressions or `${Name}` placeholders are left to run time.
void check_item_reader_config(const Node& state, const std::string& name,
                              AslDataReporter& reporter);

}  // namespace flowrun
