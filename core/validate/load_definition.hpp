#pragma once

#include <optional>
#include <string>

#include "core/asl/state_machine.hpp"
#include "core/load/load_document.hpp"
#include "core/model/workflow.hpp"
#include "core/validate/diagnostics.hpp"

namespace flowrun {

/// A workflow file after loading: the document and, by its kind, the native workflow or
/// the ASL state machine. Use it only when the diagnostics hold no errors.
struct Definition {
  Document document;
  DocumentKind kind = DocumentKind::Native;
  std::optional<Workflow> workflow;
  std::optional<asl::StateMachine> machine;

  const std::string& path() const { return document.path(); }
};

/// Whether a native workflow's step nodes stay in `Definition::document` after conversion.
/// Released by default (a run does not need them: it halves peak memory of large files);
/// kept for checks that read positions inside steps afterwards (plugin `with` schemas).
enum class StepNodes { Release, Keep };

/// Reads, parses, converts and validates one file (`-` is stdin), appending every problem
/// to `diagnostics`. Returns nullopt when the file could not be read or parsed at all.
std::optional<Definition> load_definition(const std::string& path, Diagnostics& diagnostics,
                                          const LoadLimits& limits = {},
                                          StepNodes step_nodes = StepNodes::Release);

/// The same for text already in memory.
std::optional<Definition> load_definition_text(const std::string& path, std::string text,
                                               Diagnostics& diagnostics,
                                               const LoadLimits& limits = {});

}  // namespace flowrun
