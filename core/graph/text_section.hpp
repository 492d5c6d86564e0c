#pragma once

#include <string>
#include <vector>

#include "core/graph/text_canvas.hpp"

namespace flowrun::graph {

/// An edge between two nodes of one section, by their index in the section.
struct SectionEdge {
  int from = 0;
  int to = 0;
  std::string label;  ///< empty for a plain edge
};

/// The nodes and edges that are drawn together: the top level or one group.
struct Section {
  std::vector<std::string> names;  ///< node labels, as the legend names them
  std::vector<std::string> boxes;  ///< node texts as drawn, e.g. `[extract · run]`
  std::vector<SectionEdge> edges;
};

/// A section as text, and the lines it adds to the legend under the drawing.
struct SectionText {
  std::vector<std::string> lines;
  std::vector<std::string> notes;  ///< numbered edge labels, loops
  int next_note = 1;               ///< the number the next section's first footnote takes
};

/// Draws a section in layers within `width` columns; when it does not fit (or its long edges
/// are too many to route) it is listed instead, layer by layer, each node with its inputs.
/// Footnotes are numbered from `first_note`.
SectionText render_section(const Section& section, const Glyphs& glyphs, int width, int first_note);

}  // namespace flowrun::graph
