#include "support/background.hpp"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "support/cli_runner.hpp"

extern char** environ;

namespace flowrun::test {

pid_t start_flowrun(const std::vector<std::string>& args, const std::filesystem::path& out) {
  std::vector<std::string> argv{flowrun_binary()};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> raw;
  for (auto& arg : argv) raw.push_back(arg.data());
  raw.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  std::string out_path = out.string() + ".out";
  std::string err_path = out.string() + ".err";
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0600);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0600);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, raw[0], &actions, nullptr, raw.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  REQUIRE(rc == 0);
  return pid;
}

int wait_exit(pid_t pid, double seconds) {
  int status = 0;
  bool done = wait_for([&] { return waitpid(pid, &status, WNOHANG) == pid; }, seconds);
  if (!done) {
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    return -1;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

bool is_running(pid_t pid) {
  if (pid <= 0 || kill(pid, 0) != 0) return false;
  std::string stat = read_text("/proc/" + std::to_string(pid) + "/stat");
  std::size_t paren = stat.rfind(')');
  return paren == std::string::npos || stat.size() < paren + 3 || stat[paren + 2] != 'Z';
}

bool wait_for(const std::function<bool()>& condition, double seconds) {
  auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (!condition()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

bool wait_for_history_event(const std::string& state_dir, const std::string& type,
                            const std::string& step, double seconds) {
  return wait_for(
      [&] {
        ProcessResult history =
            run_flowrun({"history", "last", "--json", "--state-dir", state_dir});
        nlohmann::json events = nlohmann::json::parse(history.out, nullptr, false);
        if (!events.is_array()) return false;
        for (const nlohmann::json& event : events) {
          if (event.value("type", "") == type && event.value("step", "") == step) return true;
        }
        return false;
      },
      seconds);
}

}  // namespace flowrun::test
