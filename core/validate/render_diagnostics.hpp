#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "core/validate/diagnostics.hpp"

namespace flowrun {

struct RenderOptions {
  bool colour = false;
};

/// Clang-style text: `file:line:col: error: message`, the source line with a caret and
/// tildes under the span, then notes; ends with "N errors generated." when there are errors.
std::string render_text(const Diagnostics& diagnostics, const RenderOptions& options = {});

/// One diagnostic in text form (no summary line).
std::string render_text(const Diagnostic& diagnostic, const Diagnostics& context,
                        const RenderOptions& options = {});

/// An array of {file, line, column, severity, code, message, notes}.
nlohmann::json render_json(const Diagnostics& diagnostics);

}  // namespace flowrun
