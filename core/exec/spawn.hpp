#pragma once

#include <signal.h>
#include <sys/types.h>

#include <string>

namespace flowrun {

/// One process to start. Pointers are borrowed for the duration of `Spawner::spawn`.
struct SpawnRequest {
  const char* program = nullptr;  ///< path to exec: absolute, or relative to `cwd`
  char* const* argv = nullptr;
  char* const* envp = nullptr;
  const char* cwd = nullptr;       ///< nullptr: flowrun's own working directory
  const char* log_path = nullptr;  ///< stdout+stderr appended here (created 0600)
  int output_fd = -1;              ///< instead of log_path: stdout+stderr go to this fd
  /// When set, stdout alone goes to this file (created 0600, truncated) and only stderr to
  /// the log or `output_fd` (for `outputs: json`).
  const char* stdout_path = nullptr;
  /// When set, stdin reads this file instead of /dev/null (an ASL Task's input JSON).
  const char* stdin_path = nullptr;
  int stdin_fd = -1;  ///< stdin of the process instead of /dev/null (a plugin's request)
};

/// A started process (its pid is also its process-group id), or the errno of the failure.
struct SpawnResult {
  pid_t pid = -1;
  int error = 0;
};

/// How a reaped process ended: `exit_code` is 128+N when it was killed by signal N.
struct ExitStatus {
  int exit_code = -1;
  int signal = 0;
};

/// Decodes a wait status.
ExitStatus decode_wait_status(int status);

/// Starts processes as posix_spawn does (each in a new process group, stdin from /dev/null,
/// every inherited descriptor above 2 closed, the given signal mask, SIGINT, SIGTERM,
/// SIGQUIT, SIGHUP, SIGPIPE and SIGCHLD at their defaults), but with a vfork-style clone on
/// a stack kept for every spawn: glibc's posix_spawn maps a new stack and resets all 64
/// signal dispositions per process, about 130 system calls where this makes 15.
class Spawner {
 public:
  /// `child_mask` is the signal mask the children start with (the one flowrun had before it
  /// blocked signals for its event loop). Throws flowrun::Error if /dev/null cannot be opened.
  explicit Spawner(const sigset_t& child_mask);
  ~Spawner();
  Spawner(const Spawner&) = delete;
  Spawner& operator=(const Spawner&) = delete;

  SpawnResult spawn(const SpawnRequest& request);

 private:
  sigset_t child_mask_;
  char* stack_ = nullptr;
  int dev_null_ = -1;
  int max_fd_ = 0;
};

/// Sends `signal` to the process group `pgid`; false when the group no longer exists.
bool signal_group(pid_t pgid, int signal);

/// Opens (creating 0600) a file for appending, close-on-exec; -1 on failure.
int open_append(const char* path);

}  // namespace flowrun
