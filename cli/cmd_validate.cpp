#include "cli/cmd_validate.hpp"

#include <fmt/format.h>

#include "cli/cmd_plugins.hpp"
#include "cli/substitution_options.hpp"
#include "cli/terminal.hpp"
#include "core/validate/load_definition.hpp"
#include "core/validate/render_diagnostics.hpp"

namespace flowrun::cli {
namespace {

struct ValidateOptions {
  std::vector<std::string> files;
  std::string format = "text";
  bool quiet = false;
  SubstitutionOptions substitutions;
};

std::string describe(const Definition& definition) {
  if (definition.machine) {
    return fmt::format("state machine, {} states", definition.machine->states.size());
  }
  const Workflow& workflow = *definition.workflow;
  return fmt::format("workflow '{}', {} step{}", workflow.name, workflow.steps.size(),
                     workflow.steps.size() == 1 ? "" : "s");
}

std::string summary_line(std::size_t errors, std::size_t warnings) {
  std::vector<std::string> parts;
  if (warnings > 0)
    parts.push_back(fmt::format("{} warning{}", warnings, warnings == 1 ? "" : "s"));
  if (errors > 0) parts.push_back(fmt::format("{} error{}", errors, errors == 1 ? "" : "s"));
  return fmt::format("{} generated.\n", fmt::join(parts, " and "));
}

int run_validate(const ValidateOptions& options) {
  RenderOptions render{use_colour(stderr)};
  const PluginCheckOptions plugins = plugin_check_options();
  nlohmann::json all = nlohmann::json::array();
  std::size_t errors = 0;
  std::size_t warnings = 0;
  LoadLimits limits = load_limits_with(options.substitutions);
  for (const auto& file : options.files) {
    Diagnostics diagnostics;
    std::optional<Definition> definition =
        load_definition(file, diagnostics, limits, StepNodes::Keep);
    if (definition && !diagnostics.has_errors()) {
      check_plugin_uses(*definition, plugins, diagnostics);
    }
    errors += diagnostics.error_count();
    warnings += diagnostics.warning_count();
    if (options.format == "json") {
      for (auto& item : render_json(diagnostics)) all.push_back(std::move(item));
      continue;
    }
    for (const auto& diagnostic : diagnostics.items()) {
      write(stderr, render_text(diagnostic, diagnostics, render));
    }
    if (definition && !diagnostics.has_errors() && !options.quiet) {
      write(stdout, fmt::format("{}: ok ({})\n", definition->path(), describe(*definition)));
    }
  }
  if (options.format == "json") {
    write(stdout, all.dump(2) + "\n");
  } else if (errors > 0 || warnings > 0) {
    write(stderr, summary_line(errors, warnings));
  }
  return errors > 0 ? 2 : 0;
}

}  // namespace

void add_validate_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<ValidateOptions>();
  CLI::App* command = app.add_subcommand(
      "validate", "Check workflow files (native or ASL) and report every problem");
  command->add_option("files", options->files, "Workflow files (.yaml, .yml, .json, - for stdin)")
      ->required();
  command->add_option("--format", options->format, "Output format")
      ->check(CLI::IsMember({"text", "json"}));
  command->add_flag("-q,--quiet", options->quiet, "Print nothing for valid files");
  add_substitution_options(command, options->substitutions);
  command->callback([options, &exit_code] { exit_code = run_validate(*options); });
}

}  // namespace flowrun::cli
