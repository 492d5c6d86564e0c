#pragma once

#include <string>
#include <vector>

#include "core/asl/interpreter.hpp"
#include "core/engine/run_folder.hpp"
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
  bool no_wait = false;  ///< stop `waiting` (exit 3) when only task tokens are awaited
};

/// The bindings and mocks that answer an ASL run's Tasks.
struct AslActions {
  std::optional<asl::Bindings> bindings;
  std::optional<asl::MockTestCase> mocks;
};

/// Reads --resources and --mock-config of `request`; false after printing the problem.
bool read_asl_actions(const AslRunRequest& request, const std::string& machine_name,
                      AslActions& actions);

/// What a run recorded of its request (`asl_run.json` in its folder), for `resume`.
AslRunRequest read_asl_run_request(const std::string& run_dir);

/// An execution to run or continue, and how to report it.
struct AslExecution {
  const asl::StateMachine& machine;
  const nlohmann::json& input;
  RunState run;
  const RunFolder& folder;
  asl::ExecutionRecorder& recorder;
  const AslRunRequest& request;
  const AslActions& actions;
  const asl::ExecutionPosition* resume = nullptr;  ///< continue from here (resume, redrive)
  int redrive_count = 0;
  bool recorded = true;  ///< false: --no-history (summary.json is written here)
};

/// Runs the execution, prints its end (how to answer a run that waits), the summary with
/// --json and the output with --output; returns the exit code of DESIGN.md.
int execute_asl(AslExecution& execution);

/// True when the run folder `run_dir` holds the summary of an ASL run.
bool is_asl_run(const std::string& run_dir);

/// Runs the state machine of `definition` (already validated) and returns the exit code of
/// DESIGN.md; problems with the request are printed and give 2.
int run_asl_file(const AslRunRequest& request, const Definition& definition);

}  // namespace flowrun::cli
