#include "core/graph/workflow_graph.hpp"

#include <algorithm>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "core/engine/fan_out.hpp"
#include "core/model/branch.hpp"
#include "core/util/duration.hpp"

namespace flowrun::graph {
namespace {

constexpr std::size_t kConditionLimit = 30;

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

/// Cuts `text` to at most `limit` code points, ending with an ellipsis when it was cut.
std::string shorten(std::string_view text, std::size_t limit) {
  std::size_t points = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;
    if (++points == limit) {
      // Position i starts the limit-th code point: keep limit - 1 of them and the ellipsis,
      // unless this one is the very last.
      std::size_t next = i + 1;
      while (next < text.size() && (static_cast<unsigned char>(text[next]) & 0xC0) == 0x80) {
        ++next;
      }
      if (next == text.size()) return std::string(text);
      return std::string(text.substr(0, i)) + "…";
    }
  }
  return std::string(text);
}

/// The condition as shown: `${{ x }}` becomes `x`, newlines become spaces.
std::string condition_text(std::string_view condition) {
  std::string_view text = trim(condition);
  if (text.starts_with("${{") && text.ends_with("}}") &&
      text.find("${{", 3) == std::string_view::npos) {
    text = trim(text.substr(3, text.size() - 5));
  }
  std::string flat(text);
  for (char& c : flat) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  return shorten(flat, kConditionLimit);
}

std::string config_text(const nlohmann::json& config, const char* key) {
  const auto found = config.find(key);
  if (found == config.end()) return {};
  if (found->is_string()) return found->get<std::string>();
  if (found->is_array()) {  // an argv: its words
    std::string words;
    for (const auto& word : *found) {
      if (!words.empty()) words += ' ';
      words += word.is_string() ? word.get<std::string>() : word.dump();
    }
    return words;
  }
  return found->dump();
}

/// What a control step asks, waits for or runs, shown after its kind: the approval's
/// message, the wait's duration, time or probe, the sub-workflow's file.
std::string type_detail(const Step& step) {
  if (step.action.kind != ActionKind::Type) return {};
  const nlohmann::json& config = step.extra().type_config;
  switch (step.action.type) {
    case StepType::Approval: {
      std::string message = config_text(config, "message");
      return message.empty() ? message : "\"" + condition_text(message) + "\"";
    }
    case StepType::Wait:
      if (config.contains("duration") && config["duration"].is_number_integer()) {
        return format_duration(Duration{config["duration"].get<std::int64_t>()});
      }
      if (config.contains("until")) return "until " + condition_text(config_text(config, "until"));
      if (config.contains("for") && config["for"].is_object()) {
        for (const char* probe : {"file", "command", "http"}) {
          std::string target = config_text(config["for"], probe);
          if (!target.empty()) return std::string(probe) + " " + condition_text(target);
        }
      }
      return {};
    case StepType::Workflow:
      return config_text(config, "workflow");
    default:
      return {};
  }
}

struct HandlerList {
  const char* name;
  const std::vector<Step>* steps;
};

class Builder {
 public:
  explicit Builder(const Workflow& workflow) : workflow_(workflow) {}

  Graph build() {
    graph_.title = workflow_.name;
    if (workflow_.late_after) {
      graph_.title += " (late_after " + format_duration(*workflow_.late_after) + ")";
    }
    for (const Step& step : workflow_.steps) taken_.insert(step.id);
    add_steps(workflow_.steps, "");
    const HandlerList handlers[] = {{"on_success", &workflow_.on_success},
                                    {"on_failure", &workflow_.on_failure},
                                    {"on_cancel", &workflow_.on_cancel},
                                    {"on_exit", &workflow_.on_exit},
                                    {"on_late", &workflow_.on_late}};
    for (const auto& handler : handlers) {
      if (handler.steps->empty()) continue;
      graph_.groups.push_back({handler.name, handler.name, ""});
      add_steps(*handler.steps, handler.name);
    }
    return std::move(graph_);
  }

 private:
  /// Adds one list of steps; their needs are resolved within the same list.
  void add_steps(const std::vector<Step>& steps, const std::string& group) {
    std::unordered_map<std::string_view, std::string> ids;
    for (const Step& step : steps) {
      std::string id = step.id;
      // Handler ids may repeat a main step's id; keep node ids unique.
      if (!group.empty() && !taken_.insert(id).second) id = group + "/" + step.id;
      ids.emplace(step.id, id);
      graph_.nodes.push_back({id, step.id, step_kind(step), group, ""});
    }
    std::unordered_map<std::string_view, std::vector<BranchRule>> branches;
    for (const Step& step : steps) {
      if (step.action.kind == ActionKind::Type && step.action.type == StepType::Branch) {
        branches.emplace(step.id, branch_rules(step));
      }
    }
    for (const Step& step : steps) {
      const std::string label = step_edge_label(step);
      const EdgeStyle style = step.extra().condition ? EdgeStyle::Conditional : EdgeStyle::Normal;
      for (const Need& need : step.needs) {
        auto from = ids.find(need.id);
        if (from == ids.end()) continue;
        GraphEdge edge{from->second, ids.at(step.id), label, style};
        if (auto branch = branches.find(need.id); branch != branches.end()) {
          add_branch_label(branch->second, step.id, edge);
        }
        graph_.edges.push_back(std::move(edge));
      }
    }
  }

  // The edge out of a branch step says which rule takes it: `if: <condition>` or `default`.
  static void add_branch_label(const std::vector<BranchRule>& rules, const std::string& target,
                               GraphEdge& edge) {
    std::string rule_label;
    bool is_default = false;
    for (const BranchRule& rule : rules) {
      if (std::find(rule.targets.begin(), rule.targets.end(), target) == rule.targets.end()) {
        continue;
      }
      if (!rule_label.empty()) rule_label += " | ";
      if (rule.condition) {
        rule_label += "if: " + condition_text(*rule.condition);
      } else {
        rule_label += "default";
        is_default = true;
      }
    }
    if (rule_label.empty()) return;
    edge.label = edge.label.empty() ? rule_label : rule_label + ", " + edge.label;
    edge.style =
        is_default && rule_label == "default" ? EdgeStyle::Default : EdgeStyle::Conditional;
  }

  const Workflow& workflow_;
  Graph graph_;
  std::unordered_set<std::string> taken_;
};

}  // namespace

std::string step_kind(const Step& step) {
  const StepExtras& extra = step.extra();
  std::string kind;
  switch (step.action.kind) {
    case ActionKind::Run:
      kind = "run";
      break;
    case ActionKind::Cmd:
      kind = "cmd";
      break;
    case ActionKind::Uses:
      kind = "uses:" + step.extra().plugin;
      break;
    case ActionKind::Type:
      kind = std::string(to_string(step.action.type));
      if (std::string detail = type_detail(step); !detail.empty()) kind += " " + detail;
      break;
    case ActionKind::None:
      break;
  }
  std::string marker;
  if (extra.foreach) {
    const auto& items = extra.foreach->items;
    marker = items && items->is_array() ? "×" + std::to_string(items->size())
                                        : "foreach " + condition_text(extra.foreach->expression);
  } else if (extra.matrix) {
    marker = "matrix ×" + std::to_string(expand_matrix(*extra.matrix).size());
  }
  if (!marker.empty()) kind += kind.empty() ? marker : " " + marker;
  if (extra.repeat) {
    kind += extra.repeat->max > 0 ? " repeat ≤" + std::to_string(extra.repeat->max) : " repeat";
  }
  if (extra.late_after) kind += " late_after " + format_duration(*extra.late_after);
  return kind;
}

std::string step_edge_label(const Step& step) {
  std::string label;
  if (step.trigger != TriggerRule::AllSuccess) label = std::string(to_string(step.trigger));
  if (step.extra().condition) {
    if (!label.empty()) label += ", ";
    label += "if: " + condition_text(*step.extra().condition);
  }
  return label;
}

Graph build_workflow_graph(const Workflow& workflow) { return Builder(workflow).build(); }

}  // namespace flowrun::graph
