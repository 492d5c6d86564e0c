#include "core/graph/text_section.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "core/graph/layout.hpp"
#include "core/graph/text_gap.hpp"

namespace flowrun::graph {
namespace {

/// Labels wider than this go to a numbered footnote rather than beside their arrow.
constexpr int kInlineLabelLimit = 34;

/// The left columns of one row of items that come closest (least squares, weighted) to
/// `desired` left columns while keeping their order and the distances of `offsets`: pool
/// adjacent violators over desired[i] - offsets[i], which must not decrease.
std::vector<int> place_row(const std::vector<double>& desired, const std::vector<int>& offsets,
                           const std::vector<double>& weights) {
  struct Block {
    double sum;
    double weight;
    std::size_t count;
    double mean() const { return sum / weight; }
  };
  std::vector<Block> blocks;
  for (std::size_t i = 0; i < desired.size(); ++i) {
    const double target = desired[i] - offsets[i];
    blocks.push_back({target * weights[i], weights[i], 1});
    while (blocks.size() > 1 && blocks[blocks.size() - 2].mean() > blocks.back().mean()) {
      Block last = blocks.back();
      blocks.pop_back();
      blocks.back().sum += last.sum;
      blocks.back().weight += last.weight;
      blocks.back().count += last.count;
    }
  }
  std::vector<int> left;
  left.reserve(desired.size());
  for (const Block& block : blocks) {
    const int shift = static_cast<int>(std::floor(block.mean() + 0.5));
    for (std::size_t i = 0; i < block.count; ++i) left.push_back(shift + offsets[left.size()]);
  }
  return left;
}

class Drawer {
 public:
  Drawer(const Section& section, const Glyphs& glyphs, int first_note)
      : section_(section), glyphs_(glyphs), next_note_(first_note) {
    std::vector<std::pair<int, int>> edges;
    edges.reserve(section.edges.size());
    for (const auto& edge : section.edges) edges.emplace_back(edge.from, edge.to);
    layout_ = layout_layers(section.boxes.size(), edges);
  }

  /// Places every vertex; false when the drawing cannot be made within `width`.
  bool place(int width) {
    if (!layout_.routed) return false;
    const std::size_t count = layout_.vertex_count();
    above_.assign(count, {});
    below_.assign(count, {});
    for (const auto& segment : layout_.segments) {
      above_[static_cast<std::size_t>(segment.lower)].push_back(segment.upper);
      below_[static_cast<std::size_t>(segment.upper)].push_back(segment.lower);
    }
    // Cheap bound first: a layer wider than the page cannot be drawn, whatever the order.
    for (const auto& layer : layout_.layers) {
      if (static_cast<int>(layer.size()) * 3 > width) return false;
    }
    make_notes();
    measure();
    left_.assign(count, 0);
    for (const auto& layer : layout_.layers) {
      pack_left(layer);
      if (row_width(layer) > width) return false;
    }
    align_all();
    if (normalize() > width) {
      // Aligned layers drift apart: align again with every layer kept within the page.
      window_ = width;
      for (const auto& layer : layout_.layers) keep_in_window(layer);
      align_all();
      normalize();
    }
    straighten(width);
    return normalize() <= width;
  }

  SectionText draw() {
    SectionText text;
    const GapPlacement placement{layout_, left_, port_, notes_, glyphs_, width_used_};
    std::size_t segment = 0;
    for (std::size_t k = 0; k < layout_.layers.size(); ++k) {
      text.lines.push_back(box_row(layout_.layers[k]));
      std::size_t end = segment;
      while (end < layout_.segments.size() &&
             layout_.layer_of[static_cast<std::size_t>(layout_.segments[end].upper)] ==
                 static_cast<int>(k)) {
        ++end;
      }
      if (k + 1 < layout_.layers.size()) {
        for (auto& line : draw_gap(placement, segment, end, k + 1)) {
          text.lines.push_back(std::move(line));
        }
      }
      segment = end;
    }
    add_loop_notes();
    text.notes = std::move(legend_);
    text.next_note = next_note_;
    return text;
  }

  /// The fallback: nodes layer by layer, each with the nodes its edges come from.
  SectionText list(int width) {
    std::vector<std::vector<std::size_t>> incoming(section_.boxes.size());
    for (std::size_t e = 0; e < section_.edges.size(); ++e) {
      incoming[static_cast<std::size_t>(section_.edges[e].to)].push_back(e);
    }
    SectionText text;
    text.lines.push_back(fmt::format("{} nodes in {} layers, too wide to draw; by layer:",
                                     section_.boxes.size(), layout_.layers.size()));
    for (std::size_t k = 0; k < layout_.layers.size(); ++k) {
      text.lines.push_back(fmt::format("layer {}", k + 1));
      for (int v : layout_.layers[k]) {
        if (layout_.is_dummy(v)) continue;
        for (auto& line : list_entry(v, incoming[static_cast<std::size_t>(v)], width)) {
          text.lines.push_back(std::move(line));
        }
      }
    }
    text.next_note = next_note_;
    return text;
  }

 private:
  std::vector<std::string> list_entry(int v, const std::vector<std::size_t>& incoming,
                                      int width) const {
    const std::string first = "  " + section_.boxes[static_cast<std::size_t>(v)];
    if (incoming.empty()) return {first};
    const std::string& shared = section_.edges[incoming.front()].label;
    const bool same = std::all_of(incoming.begin(), incoming.end(),
                                  [&](std::size_t e) { return section_.edges[e].label == shared; });
    std::vector<std::string> words;
    for (std::size_t e : incoming) {
      const auto& edge = section_.edges[e];
      std::string word = section_.names[static_cast<std::size_t>(edge.from)];
      if (!same && !edge.label.empty()) word += " (" + glyphs_.shown(edge.label) + ")";
      words.push_back(std::move(word));
    }
    if (same && !shared.empty()) words.back() += "  (" + glyphs_.shown(shared) + ")";
    return wrap_words(first + "  " + glyphs_.from + " ", words, ", ", std::string(6, ' '), width);
  }

  /// The text beside each arrow: the label all its edges share, or footnote numbers.
  void make_notes() {
    std::vector<std::vector<std::size_t>> incoming(section_.boxes.size());
    std::vector<bool> back(section_.edges.size(), false);
    for (std::size_t e : layout_.back_edges) back[e] = true;
    for (std::size_t e = 0; e < section_.edges.size(); ++e) {
      if (!back[e]) incoming[static_cast<std::size_t>(section_.edges[e].to)].push_back(e);
    }
    notes_.assign(layout_.vertex_count(), "");
    for (const auto& layer : layout_.layers) {
      for (int v : layer) {
        if (!layout_.is_dummy(v)) note_for(v, incoming[static_cast<std::size_t>(v)]);
      }
    }
  }

  void note_for(int v, const std::vector<std::size_t>& incoming) {
    std::vector<std::string> labels;
    for (std::size_t e : incoming) {
      const std::string& label = section_.edges[e].label;
      if (!label.empty() && std::find(labels.begin(), labels.end(), label) == labels.end()) {
        labels.push_back(label);
      }
    }
    if (labels.empty()) return;
    const bool all_labelled = std::all_of(incoming.begin(), incoming.end(), [&](std::size_t e) {
      return !section_.edges[e].label.empty();
    });
    std::string shown = glyphs_.shown(labels.front());
    if (labels.size() == 1 && all_labelled && display_width(shown) <= kInlineLabelLimit) {
      notes_[static_cast<std::size_t>(v)] = std::move(shown);
      return;
    }
    std::vector<std::string> numbers;
    for (const std::string& label : labels) {
      std::vector<std::string> edges;
      for (std::size_t e : incoming) {
        if (section_.edges[e].label == label) edges.push_back(edge_name(e));
      }
      numbers.push_back(std::to_string(next_note_));
      legend_.push_back(
          fmt::format("({}) {}: {}", next_note_++, fmt::join(edges, ", "), glyphs_.shown(label)));
    }
    notes_[static_cast<std::size_t>(v)] = fmt::format("({})", fmt::join(numbers, ","));
  }

  std::string edge_name(std::size_t e) const {
    const auto& edge = section_.edges[e];
    return section_.names[static_cast<std::size_t>(edge.from)] + " " + glyphs_.to + " " +
           section_.names[static_cast<std::size_t>(edge.to)];
  }

  void add_loop_notes() {
    for (std::size_t e : layout_.back_edges) {
      const std::string& label = section_.edges[e].label;
      legend_.push_back(glyphs_.loop + " " + edge_name(e) +
                        (label.empty() ? "" : ": " + glyphs_.shown(label)));
    }
  }

  void measure() {
    const std::size_t count = layout_.vertex_count();
    port_.assign(count, 0);
    footprint_.assign(count, 1);
    weight_.assign(count, 2.0);  // dummies pull harder, so that long edges stay straight
    for (std::size_t v = 0; v < section_.boxes.size(); ++v) {
      const int width = display_width(section_.boxes[v]);
      port_[v] = (width - 1) / 2;
      footprint_[v] = width;
      if (!notes_[v].empty()) {
        footprint_[v] = std::max(width, port_[v] + 2 + display_width(notes_[v]));
      }
      weight_[v] = 1.0;
    }
  }

  /// Offsets of a layer's vertices when packed: two or three columns apart, so that the ports
  /// of neighbours are an even distance apart and a parent can sit exactly between two.
  std::vector<int> offsets(const std::vector<int>& layer) const {
    std::vector<int> out(layer.size(), 0);
    for (std::size_t i = 1; i < layer.size(); ++i) {
      const auto a = static_cast<std::size_t>(layer[i - 1]);
      const auto b = static_cast<std::size_t>(layer[i]);
      const int distance = footprint_[a] + 2 + port_[b] - port_[a];
      out[i] = out[i - 1] + footprint_[a] + 2 + (distance % 2 + 2) % 2;
    }
    return out;
  }

  void align_all() {
    for (std::size_t k = 1; k < layout_.layers.size(); ++k) align(layout_.layers[k], above_);
    for (std::size_t k = layout_.layers.size(); k-- > 0;) align(layout_.layers[k], below_);
    for (std::size_t k = 1; k < layout_.layers.size(); ++k) align(layout_.layers[k], above_);
  }

  /// Shifts a layer as a whole into columns [0, window_) when a window is set.
  void keep_in_window(const std::vector<int>& layer) {
    if (window_ <= 0 || layer.empty()) return;
    const int first = left_[static_cast<std::size_t>(layer.front())];
    const int end = first + row_width(layer);
    int shift = end > window_ ? window_ - end : 0;
    if (first + shift < 0) shift = -first;
    for (int v : layer) left_[static_cast<std::size_t>(v)] += shift;
  }

  int port_column(int v) const {
    return left_[static_cast<std::size_t>(v)] + port_[static_cast<std::size_t>(v)];
  }

  /// Whether vertex `v` can start at column `left` without touching its neighbours in the
  /// layer or leaving columns [0, limit).
  bool can_move(int v, int left, int limit) const {
    const auto i = static_cast<std::size_t>(v);
    const auto& layer = layout_.layers[static_cast<std::size_t>(layout_.layer_of[i])];
    const auto at = static_cast<std::size_t>(layout_.position[i]);
    if (left < 0 || left + footprint_[i] > limit) return false;
    if (at > 0) {
      const auto before = static_cast<std::size_t>(layer[at - 1]);
      if (left < left_[before] + footprint_[before] + 2) return false;
    }
    if (at + 1 < layer.size()) {
      const auto after = static_cast<std::size_t>(layer[at + 1]);
      if (left + footprint_[i] + 2 > left_[after]) return false;
    }
    return true;
  }

  bool is_aligned(int v, const std::vector<std::vector<int>>& toward) const {
    const auto& others = toward[static_cast<std::size_t>(v)];
    return std::any_of(others.begin(), others.end(),
                       [&](int o) { return port_column(o) == port_column(v); });
  }

  /// Rounding leaves lines one or two columns off their neighbour (`┬┴`): move the vertex,
  /// or else its upper neighbour, to make the line straight when there is room.
  void straighten(int limit) {
    for (std::size_t k = 1; k < layout_.layers.size(); ++k) {
      for (int v : layout_.layers[k]) {
        if (is_aligned(v, above_)) continue;
        int best = 0;
        int upper = -1;
        for (int u : above_[static_cast<std::size_t>(v)]) {
          const int delta = port_column(u) - port_column(v);
          if (std::abs(delta) <= 2 && (upper < 0 || std::abs(delta) < std::abs(best))) {
            best = delta;
            upper = u;
          }
        }
        if (upper < 0) continue;
        const auto i = static_cast<std::size_t>(v);
        const auto u = static_cast<std::size_t>(upper);
        if (can_move(v, left_[i] + best, limit)) {
          left_[i] += best;
        } else if (!is_aligned(upper, above_) && !is_aligned(upper, below_) &&
                   can_move(upper, left_[u] - best, limit)) {
          left_[u] -= best;
        }
      }
    }
  }

  /// Shifts the drawing to start at column 0; returns its width.
  int normalize() {
    const int shift = *std::min_element(left_.begin(), left_.end());
    width_used_ = 0;
    for (std::size_t v = 0; v < left_.size(); ++v) {
      left_[v] -= shift;
      width_used_ = std::max(width_used_, left_[v] + footprint_[v]);
    }
    return width_used_;
  }

  int row_width(const std::vector<int>& layer) const {
    if (layer.empty()) return 0;
    const auto last = static_cast<std::size_t>(layer.back());
    return left_[last] + footprint_[last] - left_[static_cast<std::size_t>(layer.front())];
  }

  void pack_left(const std::vector<int>& layer) {
    const std::vector<int> packed = offsets(layer);
    for (std::size_t i = 0; i < layer.size(); ++i) {
      left_[static_cast<std::size_t>(layer[i])] = packed[i];
    }
  }

  /// The median column of the vertices' ports (the mean of the middle two for an even count),
  /// so that a parent of three sits exactly over the middle one.
  double median_port(const std::vector<int>& vertices) const {
    std::vector<int> columns;
    columns.reserve(vertices.size());
    for (int v : vertices) {
      columns.push_back(left_[static_cast<std::size_t>(v)] + port_[static_cast<std::size_t>(v)]);
    }
    std::sort(columns.begin(), columns.end());
    const std::size_t middle = columns.size() / 2;
    if (columns.size() % 2 == 1) return columns[middle];
    return (columns[middle - 1] + columns[middle]) / 2.0;
  }

  /// Moves a layer's vertices towards the median port of their neighbours in `toward`.
  void align(const std::vector<int>& layer, const std::vector<std::vector<int>>& toward) {
    std::vector<double> desired;
    std::vector<double> weights;
    for (int v : layer) {
      const auto& neighbours = toward[static_cast<std::size_t>(v)];
      double center = left_[static_cast<std::size_t>(v)] + port_[static_cast<std::size_t>(v)];
      if (!neighbours.empty()) center = median_port(neighbours);
      desired.push_back(center - port_[static_cast<std::size_t>(v)]);
      weights.push_back(weight_[static_cast<std::size_t>(v)]);
    }
    const std::vector<int> left = place_row(desired, offsets(layer), weights);
    for (std::size_t i = 0; i < layer.size(); ++i) {
      left_[static_cast<std::size_t>(layer[i])] = left[i];
    }
    keep_in_window(layer);
  }

  std::string box_row(const std::vector<int>& layer) const {
    CanvasRow row(width_used_);
    for (int v : layer) {
      const auto i = static_cast<std::size_t>(v);
      if (layout_.is_dummy(v)) {
        row.put(left_[i] + port_[i], glyphs_.line(LineUp | LineDown));
      } else {
        row.put(left_[i], section_.boxes[i]);
      }
    }
    return row.str();
  }

  const Section& section_;
  const Glyphs& glyphs_;
  int next_note_;
  Layout layout_;
  std::vector<std::vector<int>> above_, below_;
  std::vector<std::string> notes_;   ///< per vertex: text beside its arrow
  std::vector<std::string> legend_;  ///< footnotes and loops, in reading order
  std::vector<int> port_, footprint_, left_;
  std::vector<double> weight_;
  int width_used_ = 0;
  int window_ = 0;  ///< when positive, every layer is kept within columns [0, window_)
};

}  // namespace

SectionText render_section(const Section& section, const Glyphs& glyphs, int width,
                           int first_note) {
  if (section.boxes.empty()) return {{}, {}, first_note};
  Drawer drawer(section, glyphs, first_note);
  if (drawer.place(width)) return drawer.draw();
  return Drawer(section, glyphs, first_note).list(width);
}

}  // namespace flowrun::graph
