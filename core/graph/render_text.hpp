#pragma once

#include <string>

#include "core/graph/graph.hpp"

namespace flowrun::graph {

struct TextOptions {
  bool unicode = true;  ///< box-drawing characters; false: ASCII only (+ - | v)
  int width = 100;      ///< columns available; wider graphs are listed by layer instead
};

/// A layered drawing of `graph` for a terminal: nodes as `[id · kind]`, edges between layers,
/// labels beside their arrow or as numbered footnotes, each group as a labelled section under
/// the top level, then the legend (footnotes, edges that close cycles or cross groups).
/// Graphs too wide for `options.width` are listed layer by layer. Ends with a newline.
std::string render_text(const Graph& graph, const TextOptions& options = {});

}  // namespace flowrun::graph
