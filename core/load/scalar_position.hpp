#pragma once

#include <cstddef>
#include <string_view>

#include "core/load/source.hpp"

namespace flowrun {

/// The source position of byte `offset` of a scalar's decoded `text`, given `start`, the
/// position where the scalar is written (its first character, quote or `|`/`>` indicator).
/// Exact for plain and quoted scalars on one line and for literal (`|`) block scalars; for
/// other multi-line scalars the text at `offset` is looked up in the lines that follow, and
/// `start` is returned when it cannot be found (or when `source` is null).
SourcePos position_in_scalar(const SourceFile* source, SourcePos start, std::string_view text,
                             std::size_t offset);

}  // namespace flowrun
