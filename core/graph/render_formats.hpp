#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "core/graph/graph.hpp"

namespace flowrun::graph {

/// Graphviz source: a top-down digraph, quoted ids, one cluster per group (nested as the
/// groups are), dashed conditional edges, red Catch edges.
std::string render_dot(const Graph& graph);

/// A Mermaid `flowchart TD`: node ids made safe (`n_` plus letters, digits and `_`, unique),
/// labels quoted, one subgraph per group, dotted conditional and Catch edges.
std::string render_mermaid(const Graph& graph);

/// `{"title", "nodes": [{id, label, kind, group}], "edges": [{from, to, label, style}],
/// "groups": [{id, label, parent}]}`; an empty group or parent is null, style is one of
/// `normal`, `conditional`, `default`, `catch`.
nlohmann::json render_json(const Graph& graph);

}  // namespace flowrun::graph
