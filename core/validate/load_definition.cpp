#include "core/validate/load_definition.hpp"

#include "core/asl/load_state_machine.hpp"
#include "core/load/load_workflow.hpp"
#include "core/validate/asl_checks.hpp"
#include "core/validate/asl_data_checks.hpp"
#include "core/validate/workflow_checks.hpp"

namespace flowrun {
namespace {

std::optional<Definition> convert(std::optional<Document> document, Diagnostics& diagnostics,
                                  StepNodes step_nodes) {
  if (!document) return std::nullopt;
  Definition definition{std::move(*document), DocumentKind::Native, std::nullopt, std::nullopt};
  definition.kind = detect_kind(definition.document.root);
  if (definition.kind == DocumentKind::StateMachine) {
    definition.machine = load_state_machine(definition.document, diagnostics);
    if (definition.machine) {
      validate_state_machine(*definition.machine, definition.path(), diagnostics);
      check_asl_data(definition.document.root, definition.path(), diagnostics);
    }
  } else {
    definition.workflow = step_nodes == StepNodes::Keep
                              ? load_workflow(definition.document, diagnostics)
                              : consume_workflow(definition.document, diagnostics);
    if (definition.workflow) validate_workflow(*definition.workflow, diagnostics);
  }
  diagnostics.sort();
  return definition;
}

}  // namespace

std::optional<Definition> load_definition(const std::string& path, Diagnostics& diagnostics,
                                          const LoadLimits& limits, StepNodes step_nodes) {
  return convert(load_document(path, diagnostics, limits), diagnostics, step_nodes);
}

std::optional<Definition> load_definition_text(const std::string& path, std::string text,
                                               Diagnostics& diagnostics, const LoadLimits& limits) {
  return convert(parse_document(path, std::move(text), diagnostics, limits), diagnostics,
                 StepNodes::Release);
}

}  // namespace flowrun
