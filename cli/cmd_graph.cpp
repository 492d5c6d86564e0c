#include "cli/cmd_graph.hpp"

#include <fmt/format.h>

#include <map>
#include <memory>

#include "cli/cmd_run_asl.hpp"
#include "cli/history_support.hpp"
#include "cli/substitution_options.hpp"
#include "cli/terminal.hpp"
#include "core/engine/handlers.hpp"
#include "core/graph/asl_graph.hpp"
#include "core/graph/render_formats.hpp"
#include "core/graph/render_text.hpp"
#include "core/graph/workflow_graph.hpp"
#include "core/store/run_history.hpp"
#include "core/util/error.hpp"
#include "core/validate/load_definition.hpp"
#include "core/validate/render_diagnostics.hpp"

namespace flowrun::cli {
namespace {

struct GraphOptions {
  std::string file;
  std::string format = "text";
  int width = 100;
  std::string run;
  std::string state_dir;
  SubstitutionOptions substitutions;
};

// What became of a step in a run: its status, and for a fan-out how many children succeeded.
std::string status_text(const RunState& state, std::size_t step) {
  std::string text(to_string(state.steps[step].status));
  if (const FanOutSpan* span = state.find_fan_out(step)) {
    std::uint32_t succeeded = 0;
    for (std::uint32_t i = 0; i < span->count; ++i) {
      const StepStatus status = state.record_of(state.steps.size() + span->first + i).status;
      succeeded += status == StepStatus::Succeeded ? 1 : 0;
    }
    text += fmt::format(" {}/{}", succeeded, span->count);
  }
  return text;
}

// `--run RUN`: each step's node shows what became of it in that run; steps the run did not
// have (the file changed since) show nothing.
void add_run_statuses(graph::Graph& graph, const GraphOptions& options) {
  std::unique_ptr<RunStore> store = open_history(options.state_dir);
  RunRow run = store->resolve_run(options.run);
  if (is_asl_run(run.run_dir)) {
    throw Error("run '" + run.id + "' ran an Amazon States Language file; --run shows the " +
                "steps of native workflow runs");
  }
  Workflow workflow = load_run_workflow(run);
  RunState state = load_run_state(*store, run, workflow);
  std::map<std::pair<std::string, std::string>, std::string> statuses;  // (group, id) -> text
  for (std::size_t i = 0; i < workflow.steps.size(); ++i) {
    const HandlerKind kind = handler_kind(workflow, i);
    const std::string group = kind == HandlerKind::None ? "" : std::string(to_string(kind));
    statuses[{group, workflow.steps[i].id}] = status_text(state, i);
  }
  for (graph::GraphNode& node : graph.nodes) {
    auto found = statuses.find({node.group, node.label});
    if (found != statuses.end()) node.status = found->second;
  }
  graph.title += fmt::format(" (run {}: {})", run.id, to_string(state.status));
}

graph::Graph build_graph(const Definition& definition) {
  if (definition.machine) return graph::build_asl_graph(*definition.machine);
  return graph::build_workflow_graph(*definition.workflow);
}

std::string render(const graph::Graph& graph, const GraphOptions& options) {
  if (options.format == "dot") return graph::render_dot(graph);
  if (options.format == "mermaid") return graph::render_mermaid(graph);
  if (options.format == "json") return graph::render_json(graph).dump(2) + "\n";
  graph::TextOptions text;
  text.unicode = options.format == "text";
  text.width = options.width;
  return graph::render_text(graph, text);
}

int run_graph(const GraphOptions& options) {
  Diagnostics diagnostics;
  std::optional<Definition> definition =
      load_definition(options.file, diagnostics, load_limits_with(options.substitutions));
  if (!definition || diagnostics.has_errors()) {
    write(stderr, render_text(diagnostics, RenderOptions{use_colour(stderr)}));
    return 2;
  }
  graph::Graph graph = build_graph(*definition);
  if (!options.run.empty()) {
    if (definition->machine) {
      print_error("--run shows the steps of native workflow runs; '" + options.file +
                  "' is an Amazon States Language file");
      return 2;
    }
    add_run_statuses(graph, options);
  }
  write(stdout, render(graph, options));
  return 0;
}

}  // namespace

void add_graph_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<GraphOptions>();
  CLI::App* command = app.add_subcommand("graph", "Draw a workflow's graph");
  command->add_option("file", options->file, "Workflow file (.yaml, .yml, .json, - for stdin)")
      ->required();
  command->add_option("--format", options->format, "text (box drawing), ascii, dot, mermaid, json")
      ->check(CLI::IsMember({"text", "ascii", "dot", "mermaid", "json"}));
  command->add_option("--width", options->width, "Columns available for the text drawing")
      ->check(CLI::Range(40, 1000));
  command->add_option("--run", options->run,
                      "Show what became of each step in RUN (a run id, prefix or 'last')");
  command->add_option("--state-dir", options->state_dir, "Where runs are recorded (with --run)");
  add_substitution_options(command, options->substitutions);
  command->callback([options, &exit_code] { exit_code = run_graph(*options); });
}

}  // namespace flowrun::cli
