#include "cli/cmd_schema.hpp"

#include "cli/terminal.hpp"
#include "core/model/workflow_schema.hpp"

namespace flowrun::cli {

void add_schema_command(CLI::App& app, int& exit_code) {
  CLI::App* command = app.add_subcommand(
      "schema", "Print the JSON Schema of the native workflow format (for editors)");
  command->callback([&exit_code] {
    write(stdout, workflow_json_schema().dump(2) + "\n");
    exit_code = 0;
  });
}

}  // namespace flowrun::cli
