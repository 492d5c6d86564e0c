#pragma once

#include <string>

namespace flowrun::cli {

/// What `flowrun resume` is asked (also by `flowrun approve --resume`).
struct ResumeOptions {
  std::string run;
  std::string from;
  bool new_run = false;
  bool json = false;
  bool stream = false;
  bool no_wait = false;
  int jobs = 0;
  std::string state_dir;
};

/// Continues a run (a redrive, or a new run linked to it); returns the exit status of
/// DESIGN.md. Problems the user can fix are printed and give 2.
int resume_run(const ResumeOptions& options);

}  // namespace flowrun::cli
