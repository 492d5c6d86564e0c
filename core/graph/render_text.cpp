#include "core/graph/render_text.hpp"

#include <algorithm>
#include <string_view>
#include <unordered_map>

#include "core/graph/text_canvas.hpp"
#include "core/graph/text_section.hpp"

namespace flowrun::graph {
namespace {

/// Narrowest drawing width a nested group gets, however deep it is.
constexpr int kMinimumWidth = 40;

std::string box_text(const GraphNode& node, const Glyphs& glyphs) {
  const std::string label = glyphs.shown(node.label.empty() ? node.id : node.label);
  std::string text = "[" + label;
  if (!node.kind.empty() && node.kind != node.label)
    text += glyphs.separator + glyphs.shown(node.kind);
  if (!node.status.empty()) text += glyphs.separator + glyphs.shown(node.status);
  return text + "]";
}

std::string trim_right(std::string line) {
  while (!line.empty() && line.back() == ' ') line.pop_back();
  return line;
}

class TextRenderer {
 public:
  TextRenderer(const Graph& graph, const TextOptions& options)
      : graph_(graph), options_(options), glyphs_(glyphs_for(options.unicode)) {}

  std::string render() {
    if (graph_.nodes.empty() && graph_.groups.empty()) return "(empty graph)\n";
    make_sections();
    add_edges();
    if (!graph_.title.empty()) {
      lines_.push_back(glyphs_.shown(graph_.title));
      lines_.emplace_back();
    }
    emit_section(0, "", options_.width);
    emit_groups();
    for (const auto& note : cross_notes_) legend_.push_back(note);
    if (!legend_.empty()) {
      lines_.emplace_back();
      for (auto& note : legend_) lines_.push_back(std::move(note));
    }
    std::string out;
    for (const auto& line : lines_) out += trim_right(line) + "\n";
    return out;
  }

 private:
  /// Section 0 is the top level; section g + 1 is graph.groups[g].
  void make_sections() {
    sections_.resize(graph_.groups.size() + 1);
    children_.resize(sections_.size());
    std::unordered_map<std::string_view, std::size_t> group_section;
    for (std::size_t g = 0; g < graph_.groups.size(); ++g) {
      group_section.emplace(graph_.groups[g].id, g + 1);
    }
    for (std::size_t g = 0; g < graph_.groups.size(); ++g) {
      auto parent = group_section.find(graph_.groups[g].parent);
      const std::size_t parent_section = parent == group_section.end() ? 0 : parent->second;
      children_[parent_section == g + 1 ? 0 : parent_section].push_back(g + 1);
    }
    section_of_.resize(graph_.nodes.size());
    local_.resize(graph_.nodes.size());
    for (std::size_t i = 0; i < graph_.nodes.size(); ++i) {
      const GraphNode& node = graph_.nodes[i];
      auto group = group_section.find(node.group);
      const std::size_t s = node.group.empty() || group == group_section.end() ? 0 : group->second;
      section_of_[i] = s;
      local_[i] = static_cast<int>(sections_[s].boxes.size());
      sections_[s].names.push_back(glyphs_.shown(node.label.empty() ? node.id : node.label));
      sections_[s].boxes.push_back(box_text(node, glyphs_));
      index_.emplace(node.id, i);
    }
  }

  /// Edges within a section are drawn; an edge into a group from outside becomes the group's
  /// title when it is the only one, otherwise edges across sections go to the legend.
  void add_edges() {
    std::vector<std::vector<std::size_t>> crossing(sections_.size());
    for (std::size_t e = 0; e < graph_.edges.size(); ++e) {
      const GraphEdge& edge = graph_.edges[e];
      auto from = index_.find(edge.from);
      auto to = index_.find(edge.to);
      if (from == index_.end() || to == index_.end()) continue;
      const std::size_t s = section_of_[to->second];
      if (section_of_[from->second] == s) {
        sections_[s].edges.push_back({local_[from->second], local_[to->second], edge.label});
      } else {
        crossing[s].push_back(e);
      }
    }
    entered_from_.resize(sections_.size());
    for (std::size_t s = 0; s < sections_.size(); ++s) {
      if (s > 0 && crossing[s].size() == 1 && graph_.edges[crossing[s][0]].label.empty()) {
        entered_from_[s] = name_of(graph_.edges[crossing[s][0]].from);
        continue;
      }
      for (std::size_t e : crossing[s]) cross_notes_.push_back(cross_note(graph_.edges[e]));
    }
  }

  std::string name_of(const std::string& id) const {
    return sections_[section_of_[index_.at(id)]]
        .names[static_cast<std::size_t>(local_[index_.at(id)])];
  }

  std::string cross_note(const GraphEdge& edge) const {
    std::string note = (glyphs_.unicode ? "↪ " : "(link) ") + name_of(edge.from) + " " +
                       glyphs_.to + " " + name_of(edge.to);
    if (!edge.label.empty()) note += ": " + glyphs_.shown(edge.label);
    return note;
  }

  void emit_section(std::size_t s, const std::string& prefix, int width) {
    const int floor = std::min(options_.width, kMinimumWidth);
    SectionText text = render_section(sections_[s], glyphs_, std::max(width, floor), next_note_);
    next_note_ = text.next_note;
    for (const auto& line : text.lines) lines_.push_back(prefix + line);
    for (auto& note : text.notes) legend_.push_back(std::move(note));
  }

  std::string group_title(std::size_t s) const {
    const GraphGroup& group = graph_.groups[s - 1];
    std::string title = glyphs_.shown(group.label.empty() ? group.id : group.label);
    if (!entered_from_[s].empty()) title = entered_from_[s] + glyphs_.separator + title;
    return title;
  }

  std::string rails(int depth) const {
    std::string out;
    for (int i = 0; i < depth; ++i) out += glyphs_.rail;
    return out;
  }

  /// Groups depth first, each framed by a title line and a closing line, its nodes drawn
  /// behind a rail; iterative, so that deep nesting cannot exhaust the stack.
  void emit_groups() {
    struct Visit {
      std::size_t section;
      int depth;
      bool closing;
    };
    std::vector<bool> seen(sections_.size(), false);
    std::vector<Visit> stack;
    for (auto it = children_[0].rbegin(); it != children_[0].rend(); ++it) {
      stack.push_back({*it, 0, false});
    }
    while (!stack.empty()) {
      const Visit visit = stack.back();
      stack.pop_back();
      const std::string outer = rails(visit.depth);
      if (visit.closing) {
        lines_.push_back(outer + glyphs_.close);
        continue;
      }
      if (seen[visit.section]) continue;
      seen[visit.section] = true;
      if (visit.depth == 0) lines_.emplace_back();
      lines_.push_back(outer + glyphs_.open + group_title(visit.section));
      emit_section(visit.section, outer + glyphs_.rail, options_.width - 3 * (visit.depth + 1));
      stack.push_back({visit.section, visit.depth, true});
      const auto& children = children_[visit.section];
      for (auto it = children.rbegin(); it != children.rend(); ++it) {
        stack.push_back({*it, visit.depth + 1, false});
      }
    }
  }

  const Graph& graph_;
  const TextOptions& options_;
  const Glyphs& glyphs_;
  std::vector<Section> sections_;
  std::vector<std::vector<std::size_t>> children_;  ///< nested groups of every section
  std::vector<std::size_t> section_of_;             ///< per node
  std::vector<int> local_;                          ///< per node: index in its section
  std::unordered_map<std::string_view, std::size_t> index_;
  std::vector<std::string> entered_from_;  ///< per section: the node its one entry comes from
  std::vector<std::string> cross_notes_;
  std::vector<std::string> lines_;
  std::vector<std::string> legend_;
  int next_note_ = 1;
};

}  // namespace

std::string render_text(const Graph& graph, const TextOptions& options) {
  return TextRenderer(graph, options).render();
}

}  // namespace flowrun::graph
