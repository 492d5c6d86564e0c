#pragma once

#include <CLI/CLI.hpp>

namespace flowrun::cli {

/// `runs [--workflow NAME] [--status S] [--limit N] [--json]` (cmd_runs.cpp).
void add_runs_command(CLI::App& app, int& exit_code);
/// `status RUN [--json]` (cmd_status.cpp).
void add_status_command(CLI::App& app, int& exit_code);
/// `logs RUN [STEP] [--attempt N] [--follow]` (cmd_logs.cpp).
void add_logs_command(CLI::App& app, int& exit_code);
/// `history RUN [--json]` (cmd_history.cpp).
void add_history_command(CLI::App& app, int& exit_code);
/// `resume RUN [--from STEP] [--new-run]` (cmd_resume.cpp).
void add_resume_command(CLI::App& app, int& exit_code);
/// `approve RUN STEP [--reject] [--comment T] [--output JSON | -i K=V ...] [--resume]`
/// (cmd_approve.cpp): answers an approval step.
void add_approve_command(CLI::App& app, int& exit_code);
/// `cancel RUN` (cmd_cancel.cpp).
void add_cancel_command(CLI::App& app, int& exit_code);
/// `prune [--older-than D] [--keep N] [--dry-run]` (cmd_prune.cpp).
void add_prune_command(CLI::App& app, int& exit_code);
/// `props get|set|incr|list` (cmd_props.cpp): run properties, from inside a step.
void add_props_command(CLI::App& app, int& exit_code);

}  // namespace flowrun::cli
