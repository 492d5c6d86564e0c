#include "core/graph/render_formats.hpp"

#include <functional>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

namespace flowrun::graph {
namespace {

std::string_view style_name(EdgeStyle style) {
  switch (style) {
    case EdgeStyle::Normal:
      return "normal";
    case EdgeStyle::Conditional:
      return "conditional";
    case EdgeStyle::Default:
      return "default";
    case EdgeStyle::Catch:
      return "catch";
  }
  return "normal";
}

std::string node_text(const GraphNode& node, std::string_view separator) {
  std::string text = node.label.empty() ? node.id : node.label;
  if (!node.kind.empty() && node.kind != node.label) text += std::string(separator) + node.kind;
  if (!node.status.empty()) text += std::string(separator) + node.status;
  return text;
}

/// Nodes and nested groups of every group, to walk the groups as a tree.
struct GroupTree {
  std::vector<std::vector<std::size_t>> nodes;     ///< per group + 1; [0] is the top level
  std::vector<std::vector<std::size_t>> children;  ///< per group + 1: nested groups + 1
};

GroupTree make_group_tree(const Graph& graph) {
  GroupTree tree;
  tree.nodes.resize(graph.groups.size() + 1);
  tree.children.resize(graph.groups.size() + 1);
  std::unordered_map<std::string_view, std::size_t> section;
  for (std::size_t g = 0; g < graph.groups.size(); ++g) section.emplace(graph.groups[g].id, g + 1);
  for (std::size_t g = 0; g < graph.groups.size(); ++g) {
    auto parent = section.find(graph.groups[g].parent);
    const std::size_t p = parent == section.end() || parent->second == g + 1 ? 0 : parent->second;
    tree.children[p].push_back(g + 1);
  }
  for (std::size_t i = 0; i < graph.nodes.size(); ++i) {
    auto group = section.find(graph.nodes[i].group);
    tree.nodes[group == section.end() ? 0 : group->second].push_back(i);
  }
  return tree;
}

/// Walks the groups depth first without recursion: `open(group, depth)` before the group's
/// nested groups, `close(group, depth)` after them. Groups are numbered from 1.
void walk_groups(const GroupTree& tree, const std::function<void(std::size_t, int)>& open,
                 const std::function<void(std::size_t, int)>& close) {
  struct Visit {
    std::size_t group;
    int depth;
    bool closing;
  };
  std::vector<Visit> stack;
  std::vector<bool> seen(tree.children.size(), false);
  for (auto it = tree.children[0].rbegin(); it != tree.children[0].rend(); ++it) {
    stack.push_back({*it, 1, false});
  }
  while (!stack.empty()) {
    const Visit visit = stack.back();
    stack.pop_back();
    if (visit.closing) {
      close(visit.group, visit.depth);
      continue;
    }
    if (seen[visit.group]) continue;
    seen[visit.group] = true;
    open(visit.group, visit.depth);
    stack.push_back({visit.group, visit.depth, true});
    const auto& children = tree.children[visit.group];
    for (auto it = children.rbegin(); it != children.rend(); ++it) {
      stack.push_back({*it, visit.depth + 1, false});
    }
  }
}

std::string dot_quote(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

std::string dot_edge_attributes(const GraphEdge& edge) {
  std::vector<std::string> attributes;
  if (!edge.label.empty()) attributes.push_back("label=" + dot_quote(edge.label));
  if (edge.style == EdgeStyle::Conditional) attributes.push_back("style=dashed");
  if (edge.style == EdgeStyle::Catch) {
    attributes.insert(attributes.end(), {"style=dashed", "color=red", "fontcolor=red"});
  }
  if (attributes.empty()) return "";
  std::string out = " [";
  for (std::size_t i = 0; i < attributes.size(); ++i) out += (i ? ", " : "") + attributes[i];
  return out + "]";
}

std::string mermaid_text(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '"':
        out += "#quot;";
        break;
      case '<':
        out += "#lt;";
        break;
      case '>':
        out += "#gt;";
        break;
      case '\n':
        out += "<br/>";
        break;
      default:
        out += c;
    }
  }
  return out;
}

/// Mermaid ids: a prefix, then letters, digits and `_` only; a clash gets a number.
class MermaidIds {
 public:
  std::string make(std::string_view prefix, std::string_view id) {
    std::string safe(prefix);
    for (char c : id) {
      const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      safe += plain ? c : '_';
    }
    std::string unique = safe;
    for (int n = 2; !taken_.insert(unique).second; ++n) unique = safe + "_" + std::to_string(n);
    return unique;
  }

 private:
  std::unordered_set<std::string> taken_;
};

}  // namespace

std::string render_dot(const Graph& graph) {
  const GroupTree tree = make_group_tree(graph);
  std::string out = "digraph " + dot_quote(graph.title.empty() ? "flowrun" : graph.title) + " {\n";
  out += "  rankdir=TB;\n  node [shape=box];\n";
  auto add_nodes = [&](std::size_t section, int depth) {
    for (std::size_t i : tree.nodes[section]) {
      out += std::string(2 * static_cast<std::size_t>(depth + 1), ' ') +
             dot_quote(graph.nodes[i].id) +
             " [label=" + dot_quote(node_text(graph.nodes[i], "\n")) + "];\n";
    }
  };
  add_nodes(0, 0);
  walk_groups(
      tree,
      [&](std::size_t g, int depth) {
        const std::string indent(2 * static_cast<std::size_t>(depth), ' ');
        const GraphGroup& group = graph.groups[g - 1];
        out += indent + "subgraph " + dot_quote("cluster_" + std::to_string(g - 1)) + " {\n";
        out +=
            indent + "  label=" + dot_quote(group.label.empty() ? group.id : group.label) + ";\n";
        add_nodes(g, depth);
      },
      [&](std::size_t, int depth) {
        out += std::string(2 * static_cast<std::size_t>(depth), ' ') + "}\n";
      });
  for (const GraphEdge& edge : graph.edges) {
    out += "  " + dot_quote(edge.from) + " -> " + dot_quote(edge.to) + dot_edge_attributes(edge) +
           ";\n";
  }
  return out + "}\n";
}

std::string render_mermaid(const Graph& graph) {
  const GroupTree tree = make_group_tree(graph);
  MermaidIds ids;
  std::unordered_map<std::string_view, std::string> node_ids;
  for (const GraphNode& node : graph.nodes) node_ids.emplace(node.id, ids.make("n_", node.id));
  std::string out = "flowchart TD\n";
  auto add_nodes = [&](std::size_t section, int depth) {
    for (std::size_t i : tree.nodes[section]) {
      const GraphNode& node = graph.nodes[i];
      out += std::string(2 * static_cast<std::size_t>(depth + 1), ' ') + node_ids.at(node.id) +
             "[\"" + mermaid_text(node_text(node, " · ")) + "\"]\n";
    }
  };
  add_nodes(0, 0);
  walk_groups(
      tree,
      [&](std::size_t g, int depth) {
        const GraphGroup& group = graph.groups[g - 1];
        out += std::string(2 * static_cast<std::size_t>(depth), ' ') + "subgraph " +
               ids.make("g_", group.id) + "[\"" +
               mermaid_text(group.label.empty() ? group.id : group.label) + "\"]\n";
        add_nodes(g, depth);
      },
      [&](std::size_t, int depth) {
        out += std::string(2 * static_cast<std::size_t>(depth), ' ') + "end\n";
      });
  for (const GraphEdge& edge : graph.edges) {
    auto from = node_ids.find(edge.from);
    auto to = node_ids.find(edge.to);
    if (from == node_ids.end() || to == node_ids.end()) continue;
    const bool dotted = edge.style == EdgeStyle::Conditional || edge.style == EdgeStyle::Catch;
    std::string arrow = dotted ? "-.->" : "-->";
    if (!edge.label.empty()) arrow += "|\"" + mermaid_text(edge.label) + "\"|";
    out += "  " + from->second + " " + arrow + " " + to->second + "\n";
  }
  return out;
}

nlohmann::json render_json(const Graph& graph) {
  // Built member by member: nested initializer lists copy every value several times.
  auto optional = [](const std::string& text) {
    return text.empty() ? nlohmann::json(nullptr) : nlohmann::json(text);
  };
  nlohmann::json out = nlohmann::json::object();
  out["title"] = graph.title;
  nlohmann::json& nodes = out["nodes"] = nlohmann::json::array();
  for (const GraphNode& node : graph.nodes) {
    nlohmann::json& item = nodes.emplace_back(nlohmann::json::object());
    item["id"] = node.id;
    item["label"] = node.label;
    item["kind"] = node.kind;
    item["group"] = optional(node.group);
    if (!node.status.empty()) item["status"] = node.status;
  }
  nlohmann::json& edges = out["edges"] = nlohmann::json::array();
  for (const GraphEdge& edge : graph.edges) {
    nlohmann::json& item = edges.emplace_back(nlohmann::json::object());
    item["from"] = edge.from;
    item["to"] = edge.to;
    item["label"] = edge.label;
    item["style"] = style_name(edge.style);
  }
  nlohmann::json& groups = out["groups"] = nlohmann::json::array();
  for (const GraphGroup& group : graph.groups) {
    nlohmann::json& item = groups.emplace_back(nlohmann::json::object());
    item["id"] = group.id;
    item["label"] = group.label;
    item["parent"] = optional(group.parent);
  }
  return out;
}

}  // namespace flowrun::graph
