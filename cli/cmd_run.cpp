#include "cli/cmd_run.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>

#include "cli/history_support.hpp"
#include "cli/state_dir.hpp"
#include "cli/terminal.hpp"
#include "cli/terminal_observer.hpp"
#include "core/engine/dag.hpp"
#include "core/engine/engine.hpp"
#include "core/engine/file_recorder.hpp"
#include "core/report/run_summary.hpp"
#include "core/store/run_store.hpp"
#include "core/store/sqlite_recorder.hpp"
#include "core/util/error.hpp"
#include "core/util/text.hpp"
#include "core/validate/load_definition.hpp"
#include "core/validate/render_diagnostics.hpp"

namespace flowrun::cli {
namespace {

constexpr int kExitUsage = 2;

struct RunCommandOptions {
  std::string file;
  std::vector<std::string> params;
  int jobs = 0;
  bool json = false;
  std::string output;
  bool dry_run = false;
  std::string state_dir;
  bool stream = false;
  bool no_history = false;
  std::string if_running;
};

OverlapPolicy parse_policy(const std::string& text) {
  if (text == "allow") return OverlapPolicy::Allow;
  if (text == "skip") return OverlapPolicy::Skip;
  if (text == "wait") return OverlapPolicy::Wait;
  if (text == "fail") return OverlapPolicy::Fail;
  return OverlapPolicy::Default;
}

// -p K=V values are strings until typed params arrive; defaults of the file come first.
std::optional<nlohmann::json> collect_params(const Workflow& workflow,
                                             const std::vector<std::string>& given) {
  nlohmann::json params = nlohmann::json::object();
  for (const Param& param : workflow.params) {
    if (param.default_value) params[param.name] = *param.default_value;
  }
  for (const std::string& entry : given) {
    std::size_t equals = entry.find('=');
    if (equals == std::string::npos || equals == 0) {
      print_error("--param expects NAME=VALUE, got '" + entry + "'");
      return std::nullopt;
    }
    params[entry.substr(0, equals)] = entry.substr(equals + 1);
  }
  return params;
}

std::string describe_action(const Step& step) {
  switch (step.action.kind) {
    case ActionKind::Run:
      return "run: " + step.action.script;
    case ActionKind::Cmd:
      return "cmd: " + nlohmann::json(step.action.argv).dump();
    case ActionKind::Uses:
      return "uses: " + step.action.plugin;
    case ActionKind::Type:
      return "type: " + std::string(to_string(step.action.type));
    case ActionKind::None:
      return "(no action)";
  }
  return {};
}

int print_plan(const Workflow& workflow, bool json) {
  std::vector<std::uint32_t> order = execution_order(Dag(workflow));
  if (json) {
    nlohmann::json plan = nlohmann::json::array();
    for (std::uint32_t index : order) {
      const Step& step = workflow.steps[index];
      plan.push_back({{"id", step.id},
                      {"needs", step.needs},
                      {"action", describe_action(step)},
                      {"trigger", to_string(step.trigger)}});
    }
    write(stdout, nlohmann::json{{"workflow", workflow.name}, {"plan", plan}}.dump(2) + "\n");
    return 0;
  }
  std::string text = fmt::format("plan of '{}' ({} steps; nothing is run):\n", workflow.name,
                                 workflow.steps.size());
  std::size_t number = 0;
  for (std::uint32_t index : order) {
    const Step& step = workflow.steps[index];
    text += fmt::format("{:>4}. {}", ++number, step.id);
    if (!step.needs.empty()) text += " (needs " + join(step.needs, ", ") + ")";
    if (step.trigger != TriggerRule::AllSuccess)
      text += fmt::format(" [{}]", to_string(step.trigger));
    std::string action = describe_action(step);
    while (!action.empty() && action.back() == '\n') action.pop_back();
    for (std::size_t pos = 0; (pos = action.find('\n', pos)) != std::string::npos; pos += 8) {
      action.replace(pos, 1, "\n       ");
    }
    text += "\n      " + action + "\n";
  }
  write(stdout, text);
  return 0;
}

void write_output(const RunState& state, const std::string& target) {
  std::string text = state.output.dump(2) + "\n";
  if (target == "-") {
    write(stdout, text);
    return;
  }
  std::FILE* file = std::fopen(target.c_str(), "w");
  if (!file) throw Error("cannot write the run output to '" + target + "'");
  std::fwrite(text.data(), 1, text.size(), file);
  if (std::fclose(file) != 0) throw Error("cannot write the run output to '" + target + "'");
}

int run_file(const RunCommandOptions& options) {
  Workflow workflow;
  std::optional<RunFolder> folder;
  std::unique_ptr<RunStore> store;
  NewRun new_run;
  {
    Diagnostics diagnostics;
    std::optional<Definition> definition = load_definition(options.file, diagnostics);
    if (!diagnostics.items().empty()) {
      write(stderr, render_text(diagnostics, RenderOptions{use_colour(stderr)}));
    }
    if (!definition || diagnostics.has_errors()) return kExitUsage;
    if (definition->kind == DocumentKind::StateMachine || !definition->workflow) {
      print_error(options.file +
                  ": running Amazon States Language files is not supported yet by this build");
      return kExitUsage;
    }
    workflow = std::move(*definition->workflow);
    if (options.dry_run) return print_plan(workflow, options.json);
    std::string state_dir = resolve_state_dir(options.state_dir);
    if (!options.no_history) store = RunStore::open(state_dir);
    folder = RunFolder::create(state_dir);
    folder->write_definition(definition->path(), definition->document.source->text());
    new_run.definition_hash = hash_text(definition->document.source->text());
  }
  std::optional<nlohmann::json> params = collect_params(workflow, options.params);
  if (!params) return kExitUsage;
  std::int64_t run_key = 0;
  if (store) {
    new_run.id = folder->run_id();
    new_run.workflow = workflow.name;
    new_run.file = std::filesystem::absolute(workflow.file).lexically_normal().string();
    new_run.run_dir = folder->path();
    new_run.params = *params;
    int exit_code = 0;
    run_key =
        claim_run_slot(*store, new_run, workflow, parse_policy(options.if_running), exit_code);
    if (run_key == 0) {
      std::filesystem::remove_all(folder->path());
      return exit_code;
    }
  }
  RunOptions run_options;
  run_options.jobs = options.jobs;
  run_options.stream = options.stream;
  run_options.environment = current_environment();
  run_options.params = std::move(*params);
  std::unique_ptr<RunRecorder> recorder;
  if (store) {
    recorder = std::make_unique<SqliteRecorder>(store->db(), run_key, workflow, *folder, false);
  } else {
    recorder = std::make_unique<FileRecorder>(workflow, *folder);
  }
  TerminalObserver observer(workflow, stderr, isatty(STDERR_FILENO) == 1);
  RunState state = run_workflow(workflow, run_options, *folder, *recorder, observer);
  if (options.json) {
    write_run_summary(workflow, state, [](std::string_view piece) {
      std::fwrite(piece.data(), 1, piece.size(), stdout);
    });
    write(stdout, "\n");
  }
  if (!options.output.empty()) write_output(state, options.output);
  return exit_code_for(state);
}

}  // namespace

void add_run_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<RunCommandOptions>();
  CLI::App* command = app.add_subcommand("run", "Run a workflow file and record the run");
  command->add_option("file", options->file, "Workflow file (.yaml, .yml, .json)")->required();
  command->add_option("-p,--param", options->params, "A parameter, NAME=VALUE (repeatable)");
  command->add_option("-j,--jobs", options->jobs, "Steps run at once (default: CPUs)")
      ->check(CLI::Range(1, 100000));
  command->add_flag("--json", options->json, "Print the run summary JSON on stdout");
  command->add_option("--output", options->output, "Write the run output JSON to FILE or -");
  command->add_flag("--dry-run", options->dry_run, "Print the plan; run nothing");
  command->add_option("--state-dir", options->state_dir, "Where runs are recorded");
  command->add_flag("--stream", options->stream, "Show step output live, prefixed [step]");
  command->add_flag("--no-history", options->no_history,
                    "Record nothing in the run history (flowrun.db)");
  command
      ->add_option("--if-running", options->if_running,
                   "When the workflow already runs: allow, skip, wait or fail")
      ->check(CLI::IsMember({"allow", "skip", "wait", "fail"}));
  command->callback([options, &exit_code] { exit_code = run_file(*options); });
}

}  // namespace flowrun::cli
