#pragma once

#include "cli/cmd_resume.hpp"
#include "core/store/run_store.hpp"

namespace flowrun::cli {

/// `flowrun resume` of an ASL run that is not running: a waiting run continues, any other
/// unfinished run is redriven (a succeeded one is refused, exit 2). Returns the exit code.
int resume_asl_run(const ResumeOptions& options, RunStore& store, const RunRow& run,
                   RunStatus status);

}  // namespace flowrun::cli
