#pragma once

#include <sys/types.h>

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace flowrun::test {

/// Starts the flowrun binary with `args` in the background, stdout and stderr to
/// `<out>.out` and `<out>.err`; returns its pid.
pid_t start_flowrun(const std::vector<std::string>& args, const std::filesystem::path& out);

/// Waits at most `seconds` for `pid` to exit; returns its exit code (128+N for signal N), or
/// kills it and returns -1 on timeout.
int wait_exit(pid_t pid, double seconds = 60);

/// True while a process with this pid exists and is not a zombie.
bool is_running(pid_t pid);

/// Polls `condition` every 10 ms for at most `seconds`.
bool wait_for(const std::function<bool()>& condition, double seconds);

/// Waits at most `seconds` until the history of the last run in `state_dir` holds an event
/// `type` of state `step` (`flowrun history last --json`, as the history is committed).
bool wait_for_history_event(const std::string& state_dir, const std::string& type,
                            const std::string& step, double seconds);

}  // namespace flowrun::test
