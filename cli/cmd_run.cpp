#include "cli/cmd_run.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "cli/child_runs.hpp"
#include "cli/cmd_run_asl.hpp"
#include "cli/history_support.hpp"
#include "cli/state_dir.hpp"
#include "cli/substitution_options.hpp"
#include "cli/terminal.hpp"
#include "cli/terminal_observer.hpp"
#include "core/engine/dag.hpp"
#include "core/engine/engine.hpp"
#include "core/engine/file_recorder.hpp"
#include "core/engine/handlers.hpp"
#include "core/engine/preview.hpp"
#include "core/load/load_document.hpp"
#include "core/load/param_values.hpp"
#include "core/load/secrets.hpp"
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
  std::string params_file;
  std::string input;
  int jobs = 0;
  bool json = false;
  std::string output;
  bool dry_run = false;
  std::string state_dir;
  bool stream = false;
  bool no_history = false;
  bool no_wait = false;
  std::string if_running;
  std::string parent_run;
  std::string run_id;
  SubstitutionOptions substitutions;
  AslRunRequest asl;  // --resources, --mock-config, --test-case, --state-machine
};

OverlapPolicy parse_policy(const std::string& text) {
  if (text == "allow") return OverlapPolicy::Allow;
  if (text == "skip") return OverlapPolicy::Skip;
  if (text == "wait") return OverlapPolicy::Wait;
  if (text == "fail") return OverlapPolicy::Fail;
  return OverlapPolicy::Default;
}

// Reads --params-file (YAML or JSON) into inputs; false after printing the problem.
bool read_params_file(const std::string& path, std::vector<ParamInput>& inputs) {
  Diagnostics diagnostics;
  std::optional<Document> document = load_document(path, diagnostics);
  if (!document || diagnostics.has_errors()) {
    write(stderr, render_text(diagnostics, RenderOptions{use_colour(stderr)}));
    if (!document && diagnostics.items().empty()) print_error("cannot read '" + path + "'");
    return false;
  }
  std::string error;
  auto found = object_inputs(to_json(document->root), "--params-file " + path, error);
  if (!error.empty()) {
    print_error(error);
    return false;
  }
  inputs.insert(inputs.end(), found.begin(), found.end());
  return true;
}

// Reads --input JSON or @FILE into inputs; false after printing the problem.
bool read_input(const std::string& input, std::vector<ParamInput>& inputs) {
  std::string text = input;
  if (!input.empty() && input[0] == '@') {
    std::ifstream file(input.substr(1), std::ios::binary);
    if (!file) {
      print_error("--input: cannot read '" + input.substr(1) + "'");
      return false;
    }
    text.assign(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
  }
  nlohmann::json value = nlohmann::json::parse(text, nullptr, false);
  if (value.is_discarded()) {
    print_error("--input is not valid JSON: " + input);
    return false;
  }
  std::string error;
  auto found = object_inputs(value, "--input", error);
  if (!error.empty()) {
    print_error(error);
    return false;
  }
  inputs.insert(inputs.end(), found.begin(), found.end());
  return true;
}

// The run's typed params: defaults, then --params-file, then --input, then each -p. Every
// problem is printed; nullopt means exit 2 before anything runs.
std::optional<nlohmann::json> collect_params(const Workflow& workflow,
                                             const RunCommandOptions& options) {
  std::vector<ParamInput> inputs;
  if (!options.params_file.empty() && !read_params_file(options.params_file, inputs)) {
    return std::nullopt;
  }
  if (!options.input.empty() && !read_input(options.input, inputs)) return std::nullopt;
  for (const std::string& entry : options.params) {
    std::optional<ParamInput> input = text_input(entry, "-p");
    if (!input) {
      print_error("--param expects NAME=VALUE, got '" + entry + "'");
      return std::nullopt;
    }
    inputs.push_back(std::move(*input));
  }
  ResolvedParams resolved = resolve_params(workflow.params, inputs);
  for (const std::string& error : resolved.errors) print_error(workflow.file + ": " + error);
  if (!resolved.errors.empty()) return std::nullopt;
  return std::move(resolved.values);
}

// Indents the continuation lines of a multi-line text for the plan.
std::string indent_lines(std::string text, const std::string& indent) {
  while (!text.empty() && text.back() == '\n') text.pop_back();
  for (std::size_t pos = 0; (pos = text.find('\n', pos)) != std::string::npos;
       pos += indent.size() + 1) {
    text.replace(pos, 1, "\n" + indent);
  }
  return text;
}

// The dry run: what would run, with what can be known before the run rendered.
int print_plan(const Workflow& workflow, const nlohmann::json& params,
               const nlohmann::json& secrets, bool json) {
  std::vector<std::uint32_t> order = execution_order(Dag(workflow));
  // run.id renders as an id in the real format, made now as a run would make it; the run
  // started later gets its own.
  PreviewRun run{make_run_id(), now_epoch_ms(), secrets};
  std::vector<StepPreview> previews = preview_steps(workflow, params, run);
  nlohmann::json shown_params = mask_secret_params(workflow.params, params);
  if (json) {
    nlohmann::json plan = nlohmann::json::array();
    for (std::uint32_t index : order) {
      const Step& step = workflow.steps[index];
      const StepPreview& preview = previews[index];
      nlohmann::json item = {{"id", step.id},
                             {"needs", step.need_ids()},
                             {"action", preview.action},
                             {"trigger", to_string(step.trigger)}};
      if (preview.condition)
        item["if"] = {{"expression", *preview.condition}, {"value", preview.condition_value}};
      for (const EnvVar& var : preview.env) item["env"][var.name] = var.value;
      if (preview.working_dir) item["working_dir"] = *preview.working_dir;
      plan.push_back(std::move(item));
    }
    write(stdout, nlohmann::json{{"workflow", workflow.name},
                                 {"run_id", run.run_id},
                                 {"params", shown_params},
                                 {"plan", plan}}
                          .dump(2) +
                      "\n");
    return 0;
  }
  std::string text = fmt::format("plan of '{}' ({} steps; nothing is run):\n", workflow.name,
                                 workflow.steps.size());
  text += "run.id: " + run.run_id + " (for this dry run; a real run gets a new id)\n";
  if (!shown_params.empty()) text += "params: " + shown_params.dump() + "\n";
  std::size_t number = 0;
  for (std::uint32_t index : order) {
    const Step& step = workflow.steps[index];
    const StepPreview& preview = previews[index];
    text += fmt::format("{:>4}. {}", ++number, step.id);
    if (!step.needs.empty()) text += " (needs " + join(step.need_ids(), ", ") + ")";
    if (step.trigger != TriggerRule::AllSuccess)
      text += fmt::format(" [{}]", to_string(step.trigger));
    if (preview.condition) {
      text += fmt::format(" if {} -> {}", *preview.condition, preview.condition_value);
    }
    text += "\n      " + indent_lines(preview.action, "       ") + "\n";
    for (const EnvVar& var : preview.env) {
      text += "      env " + var.name + "=" + indent_lines(var.value, "       ") + "\n";
    }
    if (preview.working_dir) text += "      working_dir " + *preview.working_dir + "\n";
  }
  write(stdout, text);
  return 0;
}

void write_output(const Workflow& workflow, const RunState& state, const std::string& target) {
  std::string text =
      hide_secrets(state.output, secret_values(workflow.params, state.params)).dump(2) + "\n";
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
  std::optional<nlohmann::json> params;
  std::vector<std::string> environment = current_environment();
  std::vector<std::string> subworkflow_command;
  ResolvedSecrets secrets;
  {
    Diagnostics diagnostics;
    std::optional<Definition> definition =
        load_definition(options.file, diagnostics, load_limits_with(options.substitutions));
    if (!diagnostics.items().empty()) {
      write(stderr, render_text(diagnostics, RenderOptions{use_colour(stderr)}));
    }
    if (!definition || diagnostics.has_errors()) return kExitUsage;
    if (definition->kind == DocumentKind::StateMachine && definition->machine) {
      AslRunRequest request = options.asl;
      request.no_wait = options.no_wait;
      request.input = options.input;
      request.has_params = !options.params.empty() || !options.params_file.empty();
      request.json = options.json;
      request.output = options.output;
      request.dry_run = options.dry_run;
      request.state_dir = options.state_dir;
      request.no_history = options.no_history;
      return run_asl_file(request, *definition);
    }
    if (!definition->workflow) return kExitUsage;
    workflow = std::move(*definition->workflow);
    params = collect_params(workflow, options);
    if (!params) return kExitUsage;
    secrets = resolve_secrets(workflow, environment);
    for (const std::string& error : secrets.errors) print_error(workflow.file + ": " + error);
    if (!secrets.errors.empty()) return kExitUsage;
    if (options.dry_run) return print_plan(workflow, *params, secrets.values, options.json);
    append_handlers(workflow);  // recorded and shown as steps after the main graph
    std::string state_dir = resolve_state_dir(options.state_dir);
    subworkflow_command = child_run_command(state_dir, options.no_history);
    new_run.parent_run = options.parent_run;
    if (!options.no_history) store = RunStore::open(state_dir);
    folder = RunFolder::create(state_dir, options.run_id);
    folder->write_definition(definition->path(), definition->document.source->text());
    new_run.definition_hash = hash_text(definition->document.source->text());
  }
  std::int64_t run_key = 0;
  if (store) {
    new_run.id = folder->run_id();
    new_run.workflow = workflow.name;
    new_run.file = std::filesystem::absolute(workflow.file).lexically_normal().string();
    new_run.run_dir = folder->path();
    new_run.params = *params;  // the history keeps secrets (0600) so that resume can use them
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
  run_options.environment = without_secret_sources(workflow, std::move(environment));
  run_options.params = std::move(*params);
  run_options.secrets = std::move(secrets.values);
  run_options.subworkflow_command = std::move(subworkflow_command);
  run_options.no_wait = options.no_wait;
  std::unique_ptr<RunRecorder> recorder;
  if (store) {
    auto history = std::make_unique<SqliteRecorder>(store->db(), run_key, workflow, *folder, false);
    run_options.read_props = [history = history.get()] { return history->read_props(); };
    recorder = std::move(history);
  } else {
    recorder = std::make_unique<FileRecorder>(workflow, *folder);
  }
  TerminalObserver observer(workflow, stderr, isatty(STDERR_FILENO) == 1);
  observer.set_answer_options(state_dir_option(options.state_dir));
  RunState state = run_workflow(workflow, run_options, *folder, *recorder, observer);
  if (store) settle_child_runs(*store, folder->run_id(), workflow, state.status);
  if (options.json) {
    write_run_summary(workflow, state, [](std::string_view piece) {
      std::fwrite(piece.data(), 1, piece.size(), stdout);
    });
    write(stdout, "\n");
  }
  if (!options.output.empty()) write_output(workflow, state, options.output);
  return exit_code_for(state);
}

}  // namespace

void add_run_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<RunCommandOptions>();
  CLI::App* command = app.add_subcommand("run", "Run a workflow file and record the run");
  command->add_option("file", options->file, "Workflow file (.yaml, .yml, .json)")->required();
  command->add_option("-p,--param", options->params,
                      "A parameter, NAME=VALUE, typed by its declaration (repeatable)");
  command->add_option("--params-file", options->params_file,
                      "Parameters from a YAML or JSON file (an object)");
  command->add_option("--input", options->input, "Parameters as a JSON object, or @FILE");
  command->add_option("-j,--jobs", options->jobs, "Steps run at once (default: CPUs)")
      ->check(CLI::Range(1, 100000));
  command->add_flag("--json", options->json, "Print the run summary JSON on stdout");
  command->add_option("--output", options->output, "Write the run output JSON to FILE or -");
  command->add_flag("--dry-run", options->dry_run, "Print the plan; run nothing");
  command->add_option("--state-dir", options->state_dir, "Where runs are recorded");
  command->add_flag("--stream", options->stream, "Show step output live, prefixed [step]");
  command->add_option("--parent-run", options->parent_run,
                      "Record the run as a child of RUN (set by 'type: workflow' steps)");
  command->add_option("--run-id", options->run_id,
                      "The new run's id (set by 'type: workflow' steps, which record it at once)");
  command->add_flag("--no-history", options->no_history,
                    "Record nothing in the run history (flowrun.db)");
  command->add_flag("--no-wait", options->no_wait,
                    "When only approvals (ASL: task tokens) are left, stop the run as waiting "
                    "(exit 3) instead of waiting; 'flowrun resume' continues it");
  command
      ->add_option("--if-running", options->if_running,
                   "When the workflow already runs: allow, skip, wait or fail")
      ->check(CLI::IsMember({"allow", "skip", "wait", "fail"}));
  add_substitution_options(command, options->substitutions);
  command->add_option("--resources", options->asl.resources,
                      "ASL: bindings of Task resources to local commands (YAML or JSON)");
  command->add_option("--mock-config", options->asl.mock_config,
                      "ASL: a Step Functions Local MockConfigFile");
  command->add_option("--test-case", options->asl.test_case, "ASL: the test case of --mock-config");
  command->add_option("--state-machine", options->asl.state_machine,
                      "ASL: the state machine's name (default: the file's name)");
  command->callback([options, &exit_code] { exit_code = run_file(*options); });
}

}  // namespace flowrun::cli
