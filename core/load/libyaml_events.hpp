#pragma once

#include <string>

#include "core/load/tree_builder.hpp"

namespace flowrun {

/// Sends libyaml's parse events of `text` to `builder`, as yaml-cpp's parser would send
/// them: the same marks (an empty value is placed where the next token starts), `?` for
/// plain and `!` for quoted scalars, OnNull for plain nulls, anchors numbered in order.
/// libyaml is a C state machine, several times faster than yaml-cpp's scanner: reading a
/// 10 000-step file was most of the time flowrun spent before its first step started.
/// Returns false, having sent part of the events, when libyaml finds an error (or an alias
/// of an unknown anchor): the caller then reads the text with yaml-cpp for its messages.
/// `documents` is set to the number of documents seen.
bool send_libyaml_events(const std::string& text, TreeBuilder& builder, int& documents);

}  // namespace flowrun
