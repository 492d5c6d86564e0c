#include "core/exec/spawn.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/util/error.hpp"

namespace flowrun {
namespace {

// Signals a step must start with default dispositions, whatever flowrun did with them.
constexpr int kDefaultSignals[] = {SIGINT, SIGTERM, SIGQUIT, SIGHUP, SIGPIPE, SIGCHLD};

// Owns a file-actions object for the duration of one spawn.
class FileActions {
 public:
  FileActions() { posix_spawn_file_actions_init(&actions_); }
  ~FileActions() { posix_spawn_file_actions_destroy(&actions_); }
  FileActions(const FileActions&) = delete;
  FileActions& operator=(const FileActions&) = delete;
  posix_spawn_file_actions_t* get() { return &actions_; }

 private:
  posix_spawn_file_actions_t actions_;
};

}  // namespace

ExitStatus decode_wait_status(int status) {
  if (WIFEXITED(status)) return {WEXITSTATUS(status), 0};
  if (WIFSIGNALED(status)) return {128 + WTERMSIG(status), WTERMSIG(status)};
  return {-1, 0};
}

Spawner::Spawner(const sigset_t& child_mask) {
  dev_null_ = open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (dev_null_ < 0) {
    throw Error(std::string("cannot open /dev/null: ") + std::strerror(errno));
  }
  posix_spawnattr_init(&attr_);
  sigset_t defaults;
  sigemptyset(&defaults);
  for (int signal : kDefaultSignals) sigaddset(&defaults, signal);
  posix_spawnattr_setsigmask(&attr_, &child_mask);
  posix_spawnattr_setsigdefault(&attr_, &defaults);
  posix_spawnattr_setpgroup(&attr_, 0);
  posix_spawnattr_setflags(&attr_,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
}

Spawner::~Spawner() {
  posix_spawnattr_destroy(&attr_);
  if (dev_null_ >= 0) close(dev_null_);
}

SpawnResult Spawner::spawn(const SpawnRequest& request) {
  FileActions actions;
  posix_spawn_file_actions_t* fa = actions.get();
  if (request.stdin_path) {
    posix_spawn_file_actions_addopen(fa, 0, request.stdin_path, O_RDONLY, 0);
  } else {
    posix_spawn_file_actions_adddup2(fa, request.stdin_fd >= 0 ? request.stdin_fd : dev_null_, 0);
  }
  if (request.output_fd >= 0) {
    posix_spawn_file_actions_adddup2(fa, request.output_fd, 1);
  } else {
    posix_spawn_file_actions_addopen(fa, 1, request.log_path, O_WRONLY | O_CREAT | O_APPEND, 0600);
  }
  posix_spawn_file_actions_adddup2(fa, 1, 2);
  if (request.stdout_path) {
    posix_spawn_file_actions_addopen(fa, 1, request.stdout_path, O_WRONLY | O_CREAT | O_TRUNC,
                                     0600);
  }
  posix_spawn_file_actions_addclosefrom_np(fa, 3);
  if (request.cwd) posix_spawn_file_actions_addchdir_np(fa, request.cwd);
  SpawnResult result;
  int rc = posix_spawn(&result.pid, request.program, fa, &attr_, request.argv, request.envp);
  if (rc != 0) {
    result.pid = -1;
    result.error = rc;
  }
  return result;
}

bool signal_group(pid_t pgid, int signal) {
  if (pgid <= 0) return false;
  return kill(-pgid, signal) == 0;
}

int open_append(const char* path) {
  return open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
}

}  // namespace flowrun
