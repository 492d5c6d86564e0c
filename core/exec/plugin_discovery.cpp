#include "core/exec/plugin_discovery.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <set>

namespace flowrun {
namespace {

constexpr std::string_view kPrefix = "flowrun-plugin-";

bool is_executable_file(const std::string& path) {
  struct stat info {};
  return stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode) && access(path.c_str(), X_OK) == 0;
}

std::vector<std::string> split_path(const std::string& value) {
  std::vector<std::string> folders;
  std::size_t start = 0;
  while (start <= value.size()) {
    std::size_t end = value.find(':', start);
    if (end == std::string::npos) end = value.size();
    // An empty PATH entry means the current folder, as for the shell.
    folders.push_back(end == start ? "." : value.substr(start, end - start));
    start = end + 1;
  }
  return folders;
}

// The search as (folder, source) pairs in order.
std::vector<std::pair<std::string, std::string>> search_folders(const PluginSearch& search) {
  std::vector<std::pair<std::string, std::string>> folders;
  if (!search.plugin_path.empty()) {
    for (auto& folder : split_path(search.plugin_path)) {
      folders.emplace_back(folder, "FLOWRUN_PLUGIN_PATH");
    }
  }
  if (!search.workflow_dir.empty()) {
    folders.emplace_back(search.workflow_dir + "/plugins", "plugins/");
  }
  if (!search.path.empty()) {
    for (auto& folder : split_path(search.path)) folders.emplace_back(folder, "PATH");
  }
  return folders;
}

std::int64_t now_ms() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

// Reads the child's stdout until end of file or the deadline; false on timeout.
bool read_until(int fd, std::int64_t deadline, std::string& out) {
  char buffer[8192];
  for (;;) {
    std::int64_t left = deadline - now_ms();
    if (left <= 0) return false;
    pollfd p{fd, POLLIN, 0};
    int ready = poll(&p, 1, static_cast<int>(left));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return false;
    ssize_t n = read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return true;
    if (out.size() < (1 << 20)) out.append(buffer, static_cast<std::size_t>(n));
  }
}

}  // namespace

std::string plugin_executable_name(std::string_view name) {
  return std::string(kPrefix) + std::string(name);
}

std::optional<std::string> find_plugin(std::string_view name, const PluginSearch& search) {
  if (name.empty() || name.find('/') != std::string_view::npos) return std::nullopt;
  const std::string file = plugin_executable_name(name);
  for (const auto& [folder, source] : search_folders(search)) {
    std::string candidate = folder + "/" + file;
    if (is_executable_file(candidate)) {
      return std::filesystem::absolute(candidate).lexically_normal().string();
    }
  }
  return std::nullopt;
}

std::vector<FoundPlugin> discover_plugins(const PluginSearch& search) {
  std::vector<FoundPlugin> found;
  std::set<std::string> seen;
  for (const auto& [folder, source] : search_folders(search)) {
    std::error_code error;
    std::set<std::string> names;  // sorted within a folder
    for (const auto& entry : std::filesystem::directory_iterator(folder, error)) {
      std::string file = entry.path().filename().string();
      if (file.size() > kPrefix.size() && file.starts_with(kPrefix)) names.insert(file);
    }
    for (const auto& file : names) {
      std::string path = folder + "/" + file;
      std::string name = file.substr(kPrefix.size());
      if (!is_executable_file(path) || !seen.insert(name).second) continue;
      found.push_back({name, std::filesystem::absolute(path).lexically_normal().string(), source});
    }
  }
  return found;
}

PluginDescription describe_plugin(const std::string& path,
                                  const std::vector<std::string>& environment, int timeout_ms) {
  PluginDescription description;
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    description.error = std::string("cannot create a pipe: ") + std::strerror(errno);
    return description;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
  std::vector<char*> envp;
  for (const auto& entry : environment) envp.push_back(const_cast<char*>(entry.c_str()));
  envp.push_back(nullptr);
  std::string describe_flag = "--describe";
  char* argv[] = {const_cast<char*>(path.c_str()), describe_flag.data(), nullptr};
  pid_t pid = -1;
  int rc = posix_spawn(&pid, path.c_str(), &actions, &attr, argv, envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  close(fds[1]);
  if (rc != 0) {
    close(fds[0]);
    description.error = "cannot run '" + path + " --describe': " + std::strerror(rc);
    return description;
  }
  std::string out;
  bool finished = read_until(fds[0], now_ms() + timeout_ms, out);
  close(fds[0]);
  if (!finished) kill(-pid, SIGKILL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!finished) {
    description.error = "'" + path + " --describe' did not answer within " +
                        std::to_string(timeout_ms / 1000) + "s";
  } else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    description.error = "'" + path + " --describe' failed";
  } else {
    nlohmann::json schema = nlohmann::json::parse(out, nullptr, false);
    if (schema.is_discarded() || !schema.is_object()) {
      description.error = "'" + path + " --describe' did not print a JSON object";
    } else {
      description.description = schema.value("description", "");
      description.schema = std::move(schema);
    }
  }
  return description;
}

}  // namespace flowrun
