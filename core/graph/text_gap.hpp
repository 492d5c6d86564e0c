#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "core/graph/layout.hpp"
#include "core/graph/text_canvas.hpp"

namespace flowrun::graph {

/// Where a section's vertices were placed: what drawing the lines between layers needs.
struct GapPlacement {
  const Layout& layout;
  const std::vector<int>& left;           ///< left column of every vertex
  const std::vector<int>& port;           ///< column of its edges, from its left
  const std::vector<std::string>& notes;  ///< text beside the arrow into every vertex
  const Glyphs& glyphs;
  int width;
};

/// The lines between layer `lower_layer - 1` and `lower_layer` for the segments
/// [begin, end) of the layout: a fan-out from one vertex or a fan-in to one vertex shares a
/// horizontal track; tracks that would touch go to separate rows; the last row holds the
/// arrows and their notes.
std::vector<std::string> draw_gap(const GapPlacement& placement, std::size_t begin, std::size_t end,
                                  std::size_t lower_layer);

}  // namespace flowrun::graph
