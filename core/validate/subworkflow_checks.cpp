#include "core/validate/subworkflow_checks.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <vector>

#include "core/validate/load_definition.hpp"

namespace flowrun {
namespace {

// The files whose sub-workflows are being checked, outermost first: loading a child checks
// its own children through load_definition, which comes back here.
std::vector<std::string>& checking() {
  static std::vector<std::string> files;
  return files;
}

std::string canonical_path(const std::string& path) {
  std::error_code error;
  std::filesystem::path canonical = std::filesystem::weakly_canonical(path, error);
  return error ? path : canonical.string();
}

std::string chain(const std::vector<std::string>& files, std::size_t from,
                  const std::string& last) {
  std::string text;
  for (std::size_t i = from; i < files.size(); ++i) {
    text += std::filesystem::path(files[i]).filename().string() + " -> ";
  }
  return text + std::filesystem::path(last).filename().string();
}

void check_step(const Workflow& workflow, const Step& step, Diagnostics& diagnostics) {
  const std::string written = step.extra().type_config.value("workflow", std::string());
  if (written.empty()) return;  // a load error already
  std::filesystem::path path = written;
  if (path.is_relative()) path = std::filesystem::path(workflow.dir) / path;
  const std::string file = canonical_path(path.lexically_normal().string());
  std::vector<std::string>& files = checking();
  auto on_stack = std::find(files.begin(), files.end(), file);
  if (on_stack != files.end()) {
    diagnostics.error(
        "workflow-cycle", workflow.file, step.pos,
        fmt::format("step '{}' runs '{}', which is already being run: {}", step.id, written,
                    chain(files, static_cast<std::size_t>(on_stack - files.begin()), file)));
    return;
  }
  if (!std::filesystem::is_regular_file(file)) {
    diagnostics.error("workflow-not-found", workflow.file, step.pos,
                      fmt::format("step '{}' runs '{}', which is not a file", step.id, written));
    return;
  }
  Diagnostics child;
  std::optional<Definition> definition = load_definition(file, child);
  if (definition && definition->kind == DocumentKind::StateMachine) {
    diagnostics.error("workflow-not-native", workflow.file, step.pos,
                      fmt::format("step '{}' runs '{}', a state machine: a 'type: workflow' "
                                  "step runs native workflows",
                                  step.id, written));
    return;
  }
  auto first_error =
      std::find_if(child.items().begin(), child.items().end(),
                   [](const Diagnostic& d) { return d.severity == Severity::Error; });
  if (first_error != child.items().end()) {
    const bool cycle = first_error->code == "workflow-cycle";
    auto& error = diagnostics.error(
        cycle ? "workflow-cycle" : "workflow-invalid", workflow.file, step.pos,
        cycle ? fmt::format("step '{}' runs '{}', which leads back to a workflow already being "
                            "run (an include cycle)",
                            step.id, written)
              : fmt::format("step '{}' runs '{}', which is invalid ({} error{})", step.id, written,
                            child.error_count(), child.error_count() == 1 ? "" : "s"));
    error.note(first_error->message, first_error->pos, first_error->file);
  }
}

}  // namespace

void check_subworkflows(const Workflow& workflow, Diagnostics& diagnostics) {
  bool any = std::any_of(workflow.steps.begin(), workflow.steps.end(), [](const Step& step) {
    return step.action.kind == ActionKind::Type && step.action.type == StepType::Workflow;
  });
  if (!any) return;
  std::vector<std::string>& files = checking();
  files.push_back(canonical_path(workflow.file));
  for (const Step& step : workflow.steps) {
    if (step.action.kind == ActionKind::Type && step.action.type == StepType::Workflow) {
      check_step(workflow, step, diagnostics);
    }
  }
  files.pop_back();
}

}  // namespace flowrun
