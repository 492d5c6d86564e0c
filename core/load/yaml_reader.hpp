#pragma once

#include <cstddef>
#include <string>

#include "core/load/node.hpp"
#include "core/validate/diagnostics.hpp"

namespace flowrun {

/// Bounds that keep hostile input (alias bombs, deep nesting) from exhausting memory or stack.
struct ReaderLimits {
  std::size_t max_nodes = 1'000'000;
  std::size_t max_depth = 512;
};

/// Thrown when a document exceeds a ReaderLimits bound; carries a user-facing message.
struct ReaderLimitExceeded {
  std::string message;
  SourcePos pos;
};

/// Parses YAML (JSON is read as the YAML 1.2 subset it is) into a positioned Node tree.
/// Duplicate keys are reported to `diagnostics` (the first one wins). Syntax errors are
/// reported with their position and yield a Null root. Throws ReaderLimitExceeded.
Node read_yaml(const std::string& file, const std::string& text, Diagnostics& diagnostics,
               const ReaderLimits& limits = {});

}  // namespace flowrun
