#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/load/load_document.hpp"
#include "core/load/step_stream.hpp"
#include "core/model/workflow.hpp"
#include "core/validate/diagnostics.hpp"

namespace flowrun {

/// Converts a native workflow document into the model, reporting every problem of shape and
/// type to `diagnostics` (graph rules are `validate_workflow`'s). Returns nullopt only when the
/// top level is not a mapping; otherwise a best-effort workflow, valid only when no error was
/// added. Durations inside `Step::type_config` (`duration`, `interval`, `for.stable_for`) are
/// stored as integer milliseconds; other type keys as written.
std::optional<Workflow> load_workflow(const Document& document, Diagnostics& diagnostics);
/// The same, freeing each step's part of `document.root` as soon as it is converted, and the
/// rest of the tree at the end (`document.root` is left null): the tree of a large workflow
/// is about as big as its model, and the two need not be resident at once. With `streamed`
/// (given to parse_document), the steps it converted while parsing are taken from it.
std::optional<Workflow> consume_workflow(Document& document, Diagnostics& diagnostics,
                                         StepStream* streamed = nullptr);

/// Known keys, in the order the documentation lists them (for suggestions and the schema).
const std::vector<std::string>& workflow_keys();
/// Every key a step may have, including the type-specific ones.
const std::vector<std::string>& step_keys();
/// Keys only meaningful for steps of `type`; empty for types without their own keys.
const std::vector<std::string>& step_type_keys(StepType type);
const std::vector<std::string>& retry_keys();
const std::vector<std::string>& repeat_keys();
const std::vector<std::string>& defaults_keys();
const std::vector<std::string>& param_keys();
const std::vector<std::string>& param_type_names();
const std::vector<std::string>& secret_keys();
const std::vector<std::string>& schedule_keys();
/// Keys of `for:` in a `type: wait` step.
const std::vector<std::string>& wait_for_keys();
/// Workflow-level handler lists: on_success, on_failure, on_cancel, on_exit, on_late.
const std::vector<std::string>& handler_keys();

}  // namespace flowrun
