#pragma once

#include <cstddef>
#include <functional>
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

/// Hands over the items of one top-level sequence as each is read, so that a large document
/// never holds them all as nodes at once. The sequence stays in the tree, empty.
struct ItemStream {
  std::string key;                 ///< a key of the top-level mapping (its first occurrence)
  std::function<void(Node)> take;  ///< gets each item of the key's sequence, in order
  bool streamed = false;           ///< set when the key's value was a sequence, streamed
  /// Set before parsing: the lines of the text that start a block-sequence item (`- `), an
  /// estimate from above of the item count in block style, to reserve room once.
  std::size_t expected = 0;
  /// Forgets the items taken so far: the text is read again from the start.
  std::function<void()> restart;
};

/// Parses YAML (JSON is read as the YAML 1.2 subset it is) into a positioned Node tree.
/// Duplicate keys are reported to `diagnostics` (the first one wins). Syntax errors are
/// reported with their position and yield a Null root. Throws ReaderLimitExceeded.
/// With `stream`, the items of its key's sequence go to `stream->take` instead of the tree.
Node read_yaml(const std::string& file, const std::string& text, Diagnostics& diagnostics,
               const ReaderLimits& limits = {}, ItemStream* stream = nullptr);

}  // namespace flowrun
