#include "core/validate/workflow_checks.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <unordered_map>
#include <unordered_set>

#include "core/validate/branch_checks.hpp"
#include "core/validate/dag_checks.hpp"
#include "core/validate/expr_checks.hpp"
#include "core/validate/subworkflow_checks.hpp"

namespace flowrun {
namespace {

struct IdOwner {
  const Step* step;
  std::string_view handler_key;  ///< empty for a main-graph step
};

std::uint32_t span_of(const std::string& text) {
  return static_cast<std::uint32_t>(std::max<std::size_t>(1, text.size()));
}

std::vector<std::pair<std::string_view, const std::vector<Step>*>> handler_lists(
    const Workflow& workflow) {
  return {{"on_success", &workflow.on_success},
          {"on_failure", &workflow.on_failure},
          {"on_cancel", &workflow.on_cancel},
          {"on_exit", &workflow.on_exit},
          {"on_late", &workflow.on_late}};
}

std::string duplicate_message(const IdOwner& first, const IdOwner& again) {
  const std::string& id = again.step->id;
  if (first.handler_key.empty() && again.handler_key.empty()) {
    return fmt::format("duplicate step id '{}'", id);
  }
  if (!first.handler_key.empty() && !again.handler_key.empty()) {
    return fmt::format("duplicate handler id '{}'", id);
  }
  return fmt::format("id '{}' is used by both a step and a handler", id);
}

void check_ids(const Workflow& workflow, Diagnostics& diagnostics) {
  std::vector<IdOwner> owners;
  owners.reserve(workflow.steps.size());
  for (const auto& step : workflow.steps) owners.push_back({&step, {}});
  for (const auto& [key, list] : handler_lists(workflow)) {
    for (const auto& step : *list) owners.push_back({&step, key});
  }
  // Report the later definition in the file, whichever list it is in.
  std::stable_sort(owners.begin(), owners.end(), [](const IdOwner& a, const IdOwner& b) {
    return a.step->id_pos < b.step->id_pos;
  });
  std::unordered_map<std::string_view, const IdOwner*> first_owner;
  first_owner.reserve(owners.size());
  for (const auto& owner : owners) {
    const Step& step = *owner.step;
    if (step.id.empty()) continue;
    if (!is_valid_step_id(step.id)) {
      diagnostics
          .error("bad-id", workflow.file, step.id_pos,
                 fmt::format("step id '{}' has characters that are not allowed", step.id),
                 span_of(step.id))
          .note("use letters, digits, '_', '.' and '-', starting with a letter, digit or '_'");
    }
    auto [it, inserted] = first_owner.emplace(step.id, &owner);
    if (inserted) continue;
    diagnostics
        .error("duplicate-id", workflow.file, step.id_pos, duplicate_message(*it->second, owner),
               span_of(step.id))
        .note("first defined here", it->second->step->id_pos);
  }
}

}  // namespace

bool is_valid_step_id(std::string_view id) {
  auto is_word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  if (id.empty() || !is_word(id[0])) return false;
  return std::all_of(id.begin(), id.end(),
                     [&](char c) { return is_word(c) || c == '.' || c == '-'; });
}

void validate_workflow(const Workflow& workflow, Diagnostics& diagnostics) {
  check_ids(workflow, diagnostics);
  check_needs_graph(workflow.steps, {workflow.file, "", nullptr}, diagnostics);
  std::unordered_set<std::string_view> main_ids;
  main_ids.reserve(workflow.steps.size());
  for (const auto& step : workflow.steps) {
    if (!step.id.empty()) main_ids.insert(step.id);
  }
  for (const auto& [key, list] : handler_lists(workflow)) {
    check_needs_graph(*list, {workflow.file, std::string(key), &main_ids}, diagnostics);
  }
  check_branches(workflow, diagnostics);
  check_subworkflows(workflow, diagnostics);
  check_expressions(workflow, diagnostics);
}

}  // namespace flowrun
