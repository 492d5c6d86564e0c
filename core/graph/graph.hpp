#pragma once

#include <string>
#include <vector>

namespace flowrun::graph {

/// How an edge is drawn and labelled.
enum class EdgeStyle { Normal, Conditional, Default, Catch };

struct GraphNode {
  std::string id;      ///< unique in the graph (ASL states inside groups are prefixed by the group)
  std::string label;   ///< shown text: the step id or state name
  std::string kind;    ///< the action kind (`run`, `cmd`, `uses:http`, `approval`) or ASL type
  std::string group;   ///< id of the enclosing group, empty at top level
  std::string status;  ///< `graph --run`: what became of the step in that run; else empty
};

struct GraphEdge {
  std::string from;
  std::string to;
  std::string label;  ///< trigger rule, condition, Choice rule, Catch errors; empty for plain
  EdgeStyle style = EdgeStyle::Normal;
};

/// A nested box: an ASL Parallel branch or Map processor.
struct GraphGroup {
  std::string id;
  std::string label;
  std::string parent;  ///< enclosing group id, empty at top level
};

/// A drawable graph, built from a validated Workflow or StateMachine; renderers take it.
struct Graph {
  std::string title;
  std::vector<GraphNode> nodes;
  std::vector<GraphEdge> edges;
  std::vector<GraphGroup> groups;
};

}  // namespace flowrun::graph
