#include "cli/state_dir.hpp"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>

#include "core/util/error.hpp"

extern char** environ;

namespace flowrun::cli {
namespace {

std::string non_empty_env(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

}  // namespace

std::string resolve_state_dir(const std::string& option) {
  if (!option.empty()) return option;
  if (std::string home = non_empty_env("FLOWRUN_HOME"); !home.empty()) return home;
  if (std::string xdg = non_empty_env("XDG_STATE_HOME"); !xdg.empty()) return xdg + "/flowrun";
  std::string home = non_empty_env("HOME");
  if (home.empty()) {
    if (const passwd* entry = getpwuid(getuid())) home = entry->pw_dir ? entry->pw_dir : "";
  }
  if (home.empty()) {
    throw Error("cannot find a state directory: set --state-dir, FLOWRUN_HOME or HOME");
  }
  return home + "/.local/state/flowrun";
}

std::vector<std::string> current_environment() {
  std::vector<std::string> entries;
  for (char** entry = environ; entry && *entry; ++entry) entries.emplace_back(*entry);
  return entries;
}

}  // namespace flowrun::cli
