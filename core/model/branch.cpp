#include "core/model/branch.hpp"

#include <algorithm>

namespace flowrun {
namespace {

nlohmann::json pos_json(SourcePos pos) { return nlohmann::json::array({pos.line, pos.column}); }

SourcePos pos_from(const nlohmann::json& value) {
  if (!value.is_array() || value.size() != 2) return {};
  return {value[0].get<std::uint32_t>(), value[1].get<std::uint32_t>()};
}

}  // namespace

nlohmann::json branch_rules_json(const std::vector<BranchRule>& rules) {
  nlohmann::json out = nlohmann::json::array();
  for (const BranchRule& rule : rules) {
    nlohmann::json item = {{"next", rule.targets}, {"pos", pos_json(rule.pos)}};
    if (rule.condition) {
      item["if"] = *rule.condition;
      item["if_pos"] = pos_json(rule.condition_pos);
    }
    nlohmann::json positions = nlohmann::json::array();
    for (SourcePos pos : rule.targets_pos) positions.push_back(pos_json(pos));
    item["next_pos"] = std::move(positions);
    out.push_back(std::move(item));
  }
  return out;
}

std::vector<BranchRule> branch_rules(const Step& step) {
  std::vector<BranchRule> rules;
  if (step.action.kind != ActionKind::Type || step.action.type != StepType::Branch) return rules;
  auto found = step.extra().type_config.find("branches");
  if (found == step.extra().type_config.end() || !found->is_array()) return rules;
  for (const auto& item : *found) {
    if (!item.is_object()) continue;
    BranchRule rule;
    if (item.contains("if") && item["if"].is_string()) {
      rule.condition = item["if"].get<std::string>();
      rule.condition_pos = pos_from(item.value("if_pos", nlohmann::json()));
    }
    if (item.contains("next") && item["next"].is_array()) {
      for (const auto& target : item["next"]) {
        if (target.is_string()) rule.targets.push_back(target.get<std::string>());
      }
    }
    if (item.contains("next_pos") && item["next_pos"].is_array()) {
      for (const auto& pos : item["next_pos"]) rule.targets_pos.push_back(pos_from(pos));
    }
    rule.targets_pos.resize(rule.targets.size());
    rule.pos = pos_from(item.value("pos", nlohmann::json()));
    rules.push_back(std::move(rule));
  }
  return rules;
}

std::vector<std::string> branch_targets(const Step& step) {
  std::vector<std::string> targets;
  for (const BranchRule& rule : branch_rules(step)) {
    for (const std::string& target : rule.targets) {
      if (std::find(targets.begin(), targets.end(), target) == targets.end()) {
        targets.push_back(target);
      }
    }
  }
  return targets;
}

}  // namespace flowrun
