#include "core/engine/event_loop.hpp"

#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <string>

#include "core/util/error.hpp"

namespace flowrun {
namespace {

sigset_t loop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGCHLD);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

}  // namespace

std::int64_t monotonic_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

EventLoop::EventLoop() {
  sigset_t set = loop_signals();
  pthread_sigmask(SIG_BLOCK, &set, &original_mask_);
  signal_fd_ = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
  if (signal_fd_ < 0) {
    int error = errno;
    pthread_sigmask(SIG_SETMASK, &original_mask_, nullptr);
    throw Error(std::string("cannot watch signals (signalfd): ") + std::strerror(error));
  }
}

EventLoop::~EventLoop() {
  WakeUp ignored;
  read_signals(ignored);
  close(signal_fd_);
  pthread_sigmask(SIG_SETMASK, &original_mask_, nullptr);
}

void EventLoop::wait(std::vector<pollfd>& fds, std::int64_t timeout_ns, WakeUp& wake) {
  wake.child_exited = false;
  wake.stop_signals.clear();
  fds.insert(fds.begin(), pollfd{signal_fd_, POLLIN, 0});
  timespec timeout{};
  timespec* timeout_ptr = nullptr;
  if (timeout_ns >= 0) {
    timeout.tv_sec = static_cast<time_t>(timeout_ns / 1000000000);
    timeout.tv_nsec = static_cast<long>(timeout_ns % 1000000000);
    timeout_ptr = &timeout;
  }
  int ready = ppoll(fds.data(), fds.size(), timeout_ptr, nullptr);
  if (ready < 0 && errno != EINTR) {
    throw Error(std::string("waiting for steps failed (ppoll): ") + std::strerror(errno));
  }
  bool has_signal = ready > 0 && (fds[0].revents & POLLIN);
  fds.erase(fds.begin());
  if (has_signal) read_signals(wake);
}

void EventLoop::read_signals(WakeUp& wake) {
  signalfd_siginfo infos[16];
  for (;;) {
    ssize_t n = read(signal_fd_, infos, sizeof infos);
    if (n <= 0) break;
    for (std::size_t i = 0; i < static_cast<std::size_t>(n) / sizeof infos[0]; ++i) {
      int signal = static_cast<int>(infos[i].ssi_signo);
      if (signal == SIGCHLD) {
        wake.child_exited = true;
      } else {
        wake.stop_signals.push_back(signal);
      }
    }
  }
}

}  // namespace flowrun
