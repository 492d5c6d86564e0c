#include "cli/cmd_graph.hpp"

#include "cli/substitution_options.hpp"
#include "cli/terminal.hpp"
#include "core/graph/asl_graph.hpp"
#include "core/graph/render_formats.hpp"
#include "core/graph/render_text.hpp"
#include "core/graph/workflow_graph.hpp"
#include "core/validate/load_definition.hpp"
#include "core/validate/render_diagnostics.hpp"

namespace flowrun::cli {
namespace {

struct GraphOptions {
  std::string file;
  std::string format = "text";
  int width = 100;
  SubstitutionOptions substitutions;
};

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
  write(stdout, render(build_graph(*definition), options));
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
  add_substitution_options(command, options->substitutions);
  command->callback([options, &exit_code] { exit_code = run_graph(*options); });
}

}  // namespace flowrun::cli
