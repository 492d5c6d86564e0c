#include "cli/state_dir.hpp"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

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

std::string state_dir_option(const std::string& option) {
  if (option.empty()) return {};
  std::string path = std::filesystem::absolute(option).lexically_normal().string();
  if (path.find_first_of(" '\"\\$`") != std::string::npos) path = "'" + path + "'";
  return " --state-dir " + path;
}

std::vector<std::string> current_environment() {
  std::vector<std::string> entries;
  for (char** entry = environ; entry && *entry; ++entry) entries.emplace_back(*entry);
  return entries;
}

std::vector<std::string> child_run_command(const std::string& state_dir, bool no_history) {
  std::error_code error;
  // The binary that runs now, even when it was started by a relative path or a symlink.
  std::string self = std::filesystem::read_symlink("/proc/self/exe", error).string();
  if (error || self.empty()) return {};
  std::vector<std::string> command = {self, "run", "--state-dir", state_dir};
  if (no_history) command.push_back("--no-history");
  return command;
}

}  // namespace flowrun::cli
