#include "cli/substitution_options.hpp"

#include <fmt/format.h>

#include "core/asl/substitutions.hpp"
#include "core/util/error.hpp"

namespace flowrun::cli {

void add_substitution_options(CLI::App* command, SubstitutionOptions& options) {
  command->add_option(
      "--substitute", options.pairs,
      "Replace the ${NAME} placeholder of an ASL definition with VALUE (NAME=VALUE)");
  command->add_option("--substitutions", options.file,
                      "JSON/YAML file mapping placeholder names to values");
}

LoadLimits load_limits_with(const SubstitutionOptions& options) {
  LoadLimits limits;
  if (!options.file.empty()) limits.substitutions = asl::read_substitutions_file(options.file);
  for (const std::string& pair : options.pairs) {
    auto parsed = asl::parse_substitution(pair);
    if (!parsed) {
      throw Error(fmt::format(
          "--substitute '{}' must be NAME=VALUE with a name of letters, digits, '_', '-', '.', ':'",
          pair));
    }
    limits.substitutions[parsed->first] = parsed->second;
  }
  return limits;
}

}  // namespace flowrun::cli
