#include <fmt/format.h>

#include <map>

#include "core/load/load_step.hpp"
#include "core/load/load_workflow.hpp"
#include "core/model/branch.hpp"

namespace flowrun {
namespace {

// The step types that own `key`; empty for keys every step may have.
const std::vector<std::string>& owners_of(const std::string& key) {
  static const std::map<std::string, std::vector<std::string>, std::less<>> owners = [] {
    std::map<std::string, std::vector<std::string>, std::less<>> out;
    for (const auto& name : step_type_names()) {
      for (const auto& owned : step_type_keys(*parse_step_type(name))) out[owned].push_back(name);
    }
    return out;
  }();
  static const std::vector<std::string> none;
  auto it = owners.find(key);
  return it == owners.end() ? none : it->second;
}

void read_wait_for(FieldReader& r, const Node& value, Step& step) {
  if (!value.is_mapping()) {
    r.wrong_type(value, "for", "a mapping with 'file', 'command' or 'http'");
    return;
  }
  r.check_keys(value, wait_for_keys(), "in 'for'");
  nlohmann::json out = nlohmann::json::object();
  const Node::Entry* first_probe = nullptr;
  for (const auto& entry : value.entries) {
    const std::string& key = entry.key.text;
    if (key == "file" || key == "command" || key == "http") {
      if (first_probe) {
        r.error("bad-value", entry.key,
                fmt::format("'for' takes one of 'file', 'command' or 'http', not both '{}' and "
                            "'{}'",
                            first_probe->key.text, key))
            .note(fmt::format("'{}' is given here", first_probe->key.text), first_probe->key.pos);
        continue;
      }
      first_probe = &entry;
      if (key == "command" && entry.value.is_sequence()) {
        if (r.read_string_list(entry.value, "for.command", nullptr)) {
          out[key] = to_json(entry.value);
        }
      } else if (auto text = r.read_string(entry.value, "for." + key)) {
        out[key] = *text;
      }
    } else if (key == "min_size") {
      auto size = r.read_integer(entry.value, "for.min_size");
      if (size && *size < 0) {
        r.error("bad-value", entry.value, "'for.min_size' must not be negative");
      } else if (size) {
        out[key] = *size;
      }
    } else if (key == "stable_for") {
      if (auto d = r.read_duration(entry.value, "for.stable_for")) out[key] = d->milliseconds;
    }
  }
  if (!first_probe) {
    r.error("missing-key", value, "'for' needs one of 'file', 'command' or 'http'");
  } else if (first_probe->key.text != "file") {
    for (const char* key : {"min_size", "stable_for"}) {
      if (const Node::Entry* entry = value.find_entry(key)) {
        r.error("misplaced-key", entry->key,
                fmt::format("'for.{}' only applies to 'for.file'", key));
      }
    }
  }
  step.edit_extra().type_config["for"] = std::move(out);
}

// `branches:` a list of `{if, next}` rules; the last may leave out `if` (the default).
void read_branches(FieldReader& r, const Node& value, Step& step) {
  if (!value.is_sequence() || value.items.empty()) {
    r.wrong_type(value, "branches", "a non-empty list of rules such as '{if: ..., next: step}'");
    return;
  }
  static const std::vector<std::string> keys = {"if", "next"};
  std::vector<BranchRule> rules;
  for (std::size_t i = 0; i < value.items.size(); ++i) {
    const Node& item = value.items[i];
    if (!item.is_mapping()) {
      r.wrong_type(item, "branches[" + std::to_string(i) + "]", "a mapping with 'if' and 'next'");
      continue;
    }
    r.check_keys(item, keys, "in a branch rule");
    BranchRule rule;
    rule.pos = item.pos;
    if (const Node* condition = item.find("if")) {
      rule.condition = r.read_string(*condition, "if");
      rule.condition_pos = condition->pos;
    } else if (i + 1 < value.items.size()) {
      r.error("bad-branch", item,
              "only the last branch rule may leave out 'if' (it is the default, taken when no "
              "rule above matches)");
    }
    if (const Node* next = item.find("next")) {
      if (auto targets = r.read_string_list(*next, "next", &rule.targets_pos)) {
        rule.targets = std::move(*targets);
      }
      if (rule.targets.empty() && next->is_sequence()) {
        r.error("bad-branch", *next, "'next' must name at least one step");
      }
    } else {
      r.error("missing-key", item, "a branch rule needs 'next', the step (or steps) it leads to");
    }
    rules.push_back(std::move(rule));
  }
  step.edit_extra().type_config["branches"] = branch_rules_json(rules);
}

void read_type_value(FieldReader& r, const Node::Entry& entry, Step& step) {
  const std::string& key = entry.key.text;
  const Node& value = entry.value;
  nlohmann::json& config = step.edit_extra().type_config;
  if (key == "message" || key == "until" || key == "workflow" || key == "error" || key == "cause") {
    if (auto text = r.read_string(value, key)) config[key] = *text;
  } else if (key == "inputs") {
    // Declared like params (type, required, default, enum ...), never secret: an answer is
    // recorded and shown as it is given.
    static const std::vector<std::string> keys = {"type", "default", "required", "description",
                                                  "enum", "pattern", "minimum",  "maximum"};
    std::vector<Param>& inputs = step.edit_extra().inputs;
    inputs = load_params(r, value, {"input", "inputs", &keys});
    for (const Param& input : inputs) {
      if (!is_approval_output_name(input.name)) continue;
      r.error("bad-param", value.find_entry(input.name)->key,
              fmt::format("input '{}' would hide the answer's own output '{}'", input.name,
                          input.name))
          .note(
              "an approval's outputs are approved, approver, comment, answered_at and "
              "timed_out, then its inputs");
    }
  } else if (key == "on_timeout") {
    if (auto choice = r.read_choice(value, key, {"approve", "reject", "fail"})) {
      config[key] = *choice;
    }
  } else if (key == "on_reject") {
    if (auto choice = r.read_choice(value, key, {"fail", "skip"})) config[key] = *choice;
  } else if (key == "duration" || key == "interval") {
    if (auto d = r.read_duration(value, key)) config[key] = d->milliseconds;
  } else if (key == "backoff") {
    auto factor = r.read_number(value, key);
    if (factor && *factor < 1) {
      r.error("bad-value", value,
              fmt::format("'backoff' must be a factor of at least 1, not {}", value.text));
    } else if (factor) {
      config[key] = *factor;
    }
  } else if (key == "soft_fail") {
    if (auto flag = r.read_bool(value, key)) config[key] = *flag;
  } else if (key == "for") {
    read_wait_for(r, value, step);
  } else if (key == "branches") {
    read_branches(r, value, step);
  }
}

void check_required_type_keys(FieldReader& r, const Node& node, const Step& step) {
  const Node& type_value = node.find_entry("type")->value;
  if (step.action.type == StepType::Wait) {
    std::vector<const Node::Entry*> given;
    for (const auto& entry : node.entries) {
      const std::string& key = entry.key.text;
      if (key == "duration" || key == "until" || key == "for") given.push_back(&entry);
    }
    if (given.empty()) {
      r.error("missing-key", type_value, "a 'wait' step needs one of 'duration', 'until' or 'for'");
    }
    for (std::size_t i = 1; i < given.size(); ++i) {
      r.error("bad-value", given[i]->key,
              fmt::format("a 'wait' step takes one of 'duration', 'until' or 'for', not both "
                          "'{}' and '{}'",
                          given[0]->key.text, given[i]->key.text))
          .note(fmt::format("'{}' is given here", given[0]->key.text), given[0]->key.pos);
    }
  } else if (step.action.type == StepType::Branch && !node.find("branches")) {
    r.error("missing-key", type_value,
            "a 'branch' step needs 'branches', a list of rules such as '{if: ..., next: step}'");
  } else if (step.action.type == StepType::Workflow && !node.find("workflow")) {
    r.error("missing-key", type_value,
            "a 'workflow' step needs 'workflow', the path of the workflow file to run");
  }
}

}  // namespace

void read_type_keys(FieldReader& r, const Node& node, Step& step, bool type_known) {
  bool is_type = step.action.kind == ActionKind::Type;
  // An unknown type was reported already; its keys cannot be judged.
  if (is_type && !type_known) return;
  for (const auto& entry : node.entries) {
    const auto& owners = owners_of(entry.key.text);
    if (owners.empty()) continue;
    bool applies = false;
    for (const auto& owner : owners) {
      applies = applies || (is_type && owner == to_string(step.action.type));
    }
    if (!applies) {
      r.error("misplaced-key", entry.key,
              fmt::format("'{}' only applies to steps of type {}", entry.key.text,
                          quote_alternatives(owners)));
      continue;
    }
    read_type_value(r, entry, step);
  }
  if (is_type) check_required_type_keys(r, node, step);
}

}  // namespace flowrun
