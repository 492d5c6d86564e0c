#include "core/graph/asl_graph.hpp"

#include <fmt/format.h>

#include "core/util/text.hpp"

namespace flowrun::graph {
namespace {

using asl::State;
using asl::StateMachine;
using asl::StateType;

constexpr const char* kStart = "__start__";
constexpr const char* kEnd = "__end__";

std::string node_id(const std::string& group, const std::string& name) {
  return group.empty() ? name : group + "/" + name;
}

std::string node_kind(const State& state) {
  std::string kind = state.type ? std::string(to_string(*state.type)) : state.type_name;
  if (state.type == StateType::Task && !state.resource.empty()) {
    kind += " " + short_resource_name(state.resource);
  }
  return kind;
}

class Builder {
 public:
  Graph build(const StateMachine& machine) {
    graph_.title = machine.comment;
    if (machine.states.empty()) return std::move(graph_);
    graph_.nodes.push_back({kStart, "start", "start", "", ""});
    if (machine.find(machine.start_at)) {
      graph_.edges.push_back({kStart, machine.start_at, "", EdgeStyle::Normal});
    }
    add_machine(machine, "");
    if (has_end_) graph_.nodes.push_back({kEnd, "end", "end", "", ""});
    return std::move(graph_);
  }

 private:
  void add_machine(const StateMachine& machine, const std::string& group) {
    for (const State& state : machine.states) {
      graph_.nodes.push_back({node_id(group, state.name), state.name, node_kind(state), group, ""});
      add_nested(state, group);
    }
    for (const State& state : machine.states) add_edges(machine, state, group);
  }

  void add_nested(const State& state, const std::string& group) {
    const std::string from = node_id(group, state.name);
    for (std::size_t i = 0; i < state.branches.size(); ++i) {
      std::string label = fmt::format("branch {}", i + 1);
      add_group(state.branches[i], from, from + "/" + label, label, group);
    }
    if (state.iterator) {
      add_group(*state.iterator, from, from + "/processor", "processor", group);
    }
  }

  void add_group(const StateMachine& machine, const std::string& from, const std::string& id,
                 const std::string& label, const std::string& parent) {
    graph_.groups.push_back({id, label, parent});
    if (machine.find(machine.start_at)) {
      graph_.edges.push_back({from, node_id(id, machine.start_at), "", EdgeStyle::Normal});
    }
    add_machine(machine, id);
  }

  void add_edge(const StateMachine& machine, const std::string& group, const std::string& from,
                const asl::Target& target, std::string label, EdgeStyle style) {
    if (!target.is_set() || !machine.find(target.name)) return;
    graph_.edges.push_back({from, node_id(group, target.name), std::move(label), style});
  }

  void add_edges(const StateMachine& machine, const State& state, const std::string& group) {
    const std::string from = node_id(group, state.name);
    add_edge(machine, group, from, state.next, "", EdgeStyle::Normal);
    for (const auto& rule : state.choices) {
      add_edge(machine, group, from, rule.next, rule.label, EdgeStyle::Conditional);
    }
    add_edge(machine, group, from, state.default_, "default", EdgeStyle::Default);
    for (const auto& catcher : state.catchers) {
      add_edge(machine, group, from, catcher.next, join(catcher.error_equals, ", "),
               EdgeStyle::Catch);
    }
    // Only the top level ends the execution; a branch's last state returns to its Parallel.
    bool terminal = state.end || state.type == StateType::Succeed || state.type == StateType::Fail;
    if (terminal && group.empty()) {
      graph_.edges.push_back({from, kEnd, "", EdgeStyle::Normal});
      has_end_ = true;
    }
  }

  Graph graph_;
  bool has_end_ = false;
};

}  // namespace

std::string short_resource_name(const std::string& resource) {
  if (!starts_with(resource, "arn:")) return resource;
  // arn:partition:service:region:account:resource
  std::size_t at = 0;
  std::vector<std::string> parts;
  for (int i = 0; i < 5; ++i) {
    std::size_t colon = resource.find(':', at);
    if (colon == std::string::npos) return resource;
    parts.push_back(resource.substr(at, colon - at));
    at = colon + 1;
  }
  std::string rest = resource.substr(at);
  if (parts[2] == "states") return rest;
  if (starts_with(rest, "function:")) {
    std::string name = rest.substr(9);
    return name.substr(0, name.find(':'));
  }
  std::size_t last = rest.find_last_of(":/");
  return last == std::string::npos ? rest : rest.substr(last + 1);
}

Graph build_asl_graph(const asl::StateMachine& machine) { return Builder().build(machine); }

}  // namespace flowrun::graph
