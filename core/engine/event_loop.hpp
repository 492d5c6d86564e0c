#pragma once

#include <poll.h>
#include <signal.h>

#include <cstdint>
#include <vector>

namespace flowrun {

/// What one wait brought.
struct WakeUp {
  bool child_exited = false;      ///< SIGCHLD arrived: reap with waitpid(WNOHANG)
  std::vector<int> stop_signals;  ///< SIGINT / SIGTERM, in arrival order
};

/// The wait of a run's single event loop. While it lives, SIGCHLD, SIGINT and SIGTERM are
/// blocked and read from a signalfd, so they only arrive inside `wait`.
class EventLoop {
 public:
  /// Blocks the signals; throws flowrun::Error when the signalfd cannot be made.
  EventLoop();
  /// Drops signals still pending and restores the previous mask.
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  /// The mask to give child processes (the one in force before the loop).
  const sigset_t& original_mask() const { return original_mask_; }

  /// Waits for a signal, for one of `fds` to be ready (their `revents` are filled), or for
  /// `timeout_ns` (negative: no limit). Fills `wake`.
  void wait(std::vector<pollfd>& fds, std::int64_t timeout_ns, WakeUp& wake);

 private:
  void read_signals(WakeUp& wake);

  sigset_t original_mask_;
  int signal_fd_ = -1;
};

/// Monotonic clock in nanoseconds, for timers.
std::int64_t monotonic_ns();

}  // namespace flowrun
