#pragma once

#include <string>
#include <vector>

#include "core/validate/load_definition.hpp"

namespace flowrun::cli {

/// What `flowrun run` was asked to do with an Amazon States Language file.
struct AslRunRequest {
  std::string input;        ///< --input JSON or @FILE: the execution's input (default {})
  bool has_params = false;  ///< -p / --params-file were given (native only)
  bool json = false;
  std::string output;
  bool dry_run = false;
  std::string state_dir;
  bool no_history = false;
  std::string resources;
  std::string mock_config;
  std::string test_case;
  std::string state_machine;
};

/// True when the run folder `run_dir` holds the summary of an ASL run.
bool is_asl_run(const std::string& run_dir);

/// Runs the state machine of `definition` (already validated) and returns the exit code of
/// DESIGN.md; problems with the request are printed and give 2.
int run_asl_file(const AslRunRequest& request, const Definition& definition);

}  // namespace flowrun::cli
