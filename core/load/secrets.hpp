#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/model/workflow.hpp"

namespace flowrun {

/// The values of a workflow's `secrets:` block.
struct ResolvedSecrets {
  nlohmann::json values = nlohmann::json::object();  ///< name -> value (the `secrets` context)
  std::vector<std::string> errors;                   ///< one sentence per secret that failed
};

/// Reads every secret: `from_env: NAME` from `environment` (`NAME=value` strings, as the CLI
/// passes its own), `from_file: PATH` from the file (relative to the workflow's folder; one
/// trailing newline is dropped). A missing variable, an unreadable file or an empty value is
/// an error naming the secret.
ResolvedSecrets resolve_secrets(const Workflow& workflow,
                                const std::vector<std::string>& environment);

/// `environment` without the variables that `from_env` secrets are read from, so that a step
/// sees a secret only when it asks for it (`${{ secrets.NAME }}`).
std::vector<std::string> without_secret_sources(const Workflow& workflow,
                                                std::vector<std::string> environment);

/// Every value to hide as `***`: secret params and the `secrets:` block, longest first.
std::vector<std::string> mask_values(const std::vector<Param>& declared,
                                     const nlohmann::json& params, const nlohmann::json& secrets);

}  // namespace flowrun
