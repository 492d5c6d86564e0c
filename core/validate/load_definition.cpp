#include "core/validate/load_definition.hpp"

#include "core/asl/load_state_machine.hpp"
#include "core/load/load_workflow.hpp"
#include "core/load/step_stream.hpp"
#include "core/validate/asl_checks.hpp"
#include "core/validate/asl_data_checks.hpp"
#include "core/validate/workflow_checks.hpp"

namespace flowrun {
namespace {

// `streamed`: the steps converted while the document was parsed (StepNodes::Release only).
std::optional<Definition> convert(std::optional<Document> document, Diagnostics& diagnostics,
                                  StepNodes step_nodes, StepStream* streamed) {
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
                              : consume_workflow(definition.document, diagnostics, streamed);
    if (definition.workflow) validate_workflow(*definition.workflow, diagnostics);
  }
  diagnostics.sort();
  return definition;
}

}  // namespace

std::optional<Definition> load_definition(const std::string& path, Diagnostics& diagnostics,
                                          const LoadLimits& limits, StepNodes step_nodes) {
  if (step_nodes == StepNodes::Keep) {
    return convert(load_document(path, diagnostics, limits), diagnostics, step_nodes, nullptr);
  }
  StepStream streamed(display_path(path));
  return convert(load_document(path, diagnostics, limits, &streamed.items()), diagnostics,
                 step_nodes, &streamed);
}

std::optional<Definition> load_definition_text(const std::string& path, std::string text,
                                               Diagnostics& diagnostics, const LoadLimits& limits) {
  StepStream streamed(path);
  return convert(parse_document(path, std::move(text), diagnostics, limits, &streamed.items()),
                 diagnostics, StepNodes::Release, &streamed);
}

}  // namespace flowrun
