#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "core/load/load_document.hpp"

namespace flowrun::cli {

/// `--substitute K=V` (repeatable) and `--substitutions FILE`: values for the `${Name}`
/// placeholders (DefinitionSubstitutions) of an ASL definition.
struct SubstitutionOptions {
  std::vector<std::string> pairs;
  std::string file;
};

/// Registers both options on `command`.
void add_substitution_options(CLI::App* command, SubstitutionOptions& options);

/// LoadLimits carrying the substitutions (the file first, then each --substitute, which wins).
/// Throws flowrun::Error for a malformed K=V or an unreadable file.
LoadLimits load_limits_with(const SubstitutionOptions& options);

}  // namespace flowrun::cli
