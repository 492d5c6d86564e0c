#include "core/exec/spawn.hpp"

#include <fcntl.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>

#include "core/util/error.hpp"

namespace flowrun {
namespace {

// Signals a step must start with default dispositions, whatever flowrun did with them.
constexpr int kDefaultSignals[] = {SIGINT, SIGTERM, SIGQUIT, SIGHUP, SIGPIPE, SIGCHLD};

// The child's stack: one for every spawn, kept (glibc's posix_spawn maps and unmaps a fresh
// one each time, and the child faults its pages in again).
constexpr std::size_t kChildStackBytes = 256 * 1024;

// Everything the child needs, prepared by the parent. The child shares the parent's memory
// (CLONE_VM) until it calls execve, so it only makes system calls: no allocation, no locks,
// no errno of its own, no libc function that a sanitizer wraps.
struct ChildPlan {
  const SpawnRequest* request = nullptr;
  int dev_null = -1;
  int max_fd = 0;  // close-from fallback for kernels without close_range
  const sigset_t* mask = nullptr;
  int error = 0;  // set by the child when a step fails: the parent's spawn result
};

// The kernel's struct sigaction (not glibc's): enough to set SIG_DFL.
struct KernelSigaction {
  void (*handler)(int) = SIG_DFL;
  unsigned long flags = 0;
  void (*restorer)() = nullptr;
  std::uint64_t mask = 0;
};

constexpr std::size_t kKernelSigsetBytes = 8;

__attribute__((no_sanitize("address", "undefined"))) bool move_fd(int from, int to) {
  if (from == to) return syscall(SYS_fcntl, to, F_SETFD, 0) >= 0;
  return syscall(SYS_dup3, from, to, 0) >= 0;
}

__attribute__((no_sanitize("address", "undefined"))) bool open_onto(const char* path, int flags,
                                                                    int to) {
  long fd = syscall(SYS_openat, AT_FDCWD, path, flags, 0600);
  if (fd < 0) return false;
  if (fd == to) return true;
  bool moved = syscall(SYS_dup3, fd, to, 0) >= 0;
  syscall(SYS_close, fd);
  return moved;
}

__attribute__((no_sanitize("address", "undefined"))) bool close_from(int first, int max_fd) {
  if (syscall(SYS_close_range, first, ~0U, 0) == 0) return true;
  for (int fd = first; fd < max_fd; ++fd) syscall(SYS_close, fd);
  return true;
}

// Runs in the child; returns only on failure (the exit status is ignored: error says why).
__attribute__((no_sanitize("address", "undefined"))) int run_child(void* arg) {
  ChildPlan& plan = *static_cast<ChildPlan*>(arg);
  const SpawnRequest& r = *plan.request;
  bool ok = syscall(SYS_setpgid, 0, 0) == 0;
  KernelSigaction default_action;
  for (int signal : kDefaultSignals) {
    ok = ok && syscall(SYS_rt_sigaction, signal, &default_action, nullptr, kKernelSigsetBytes) == 0;
  }
  if (ok && r.stdin_path) {
    ok = open_onto(r.stdin_path, O_RDONLY, 0);
  } else if (ok) {
    ok = move_fd(r.stdin_fd >= 0 ? r.stdin_fd : plan.dev_null, 0);
  }
  if (ok && r.output_fd >= 0) {
    ok = move_fd(r.output_fd, 1);
  } else if (ok) {
    ok = open_onto(r.log_path, O_WRONLY | O_CREAT | O_APPEND, 1);
  }
  ok = ok && move_fd(1, 2);
  if (ok && r.stdout_path) ok = open_onto(r.stdout_path, O_WRONLY | O_CREAT | O_TRUNC, 1);
  ok = ok && close_from(3, plan.max_fd);
  if (ok && r.cwd) ok = syscall(SYS_chdir, r.cwd) == 0;
  ok = ok && syscall(SYS_rt_sigprocmask, SIG_SETMASK, plan.mask, nullptr, kKernelSigsetBytes) == 0;
  if (ok) syscall(SYS_execve, r.program, r.argv, r.envp);
  // Only reached on failure. errno is shared with the parent, which is suspended until now.
  plan.error = errno ? errno : EINVAL;
  syscall(SYS_exit, 127);
  return 127;
}

}  // namespace

ExitStatus decode_wait_status(int status) {
  if (WIFEXITED(status)) return {WEXITSTATUS(status), 0};
  if (WIFSIGNALED(status)) return {128 + WTERMSIG(status), WTERMSIG(status)};
  return {-1, 0};
}

Spawner::Spawner(const sigset_t& child_mask) : child_mask_(child_mask) {
  dev_null_ = open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (dev_null_ < 0) {
    throw Error(std::string("cannot open /dev/null: ") + std::strerror(errno));
  }
  void* stack = mmap(nullptr, kChildStackBytes, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
  if (stack == MAP_FAILED) {
    int error = errno;
    close(dev_null_);
    throw Error(std::string("cannot map a stack for starting processes: ") + std::strerror(error));
  }
  stack_ = static_cast<char*>(stack);
  rlimit files{};
  max_fd_ = getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur != RLIM_INFINITY
                ? static_cast<int>(std::min<rlim_t>(files.rlim_cur, 1 << 20))
                : 1 << 16;
}

Spawner::~Spawner() {
  if (stack_) munmap(stack_, kChildStackBytes);
  if (dev_null_ >= 0) close(dev_null_);
}

// ThreadSanitizer does not model a child that shares the parent's memory: the child's
// instrumented code before execve corrupts its view of the parent's threads and locks, and
// it then reports races between correctly locked threads. Its builds copy the memory
// instead (a failed execve is then seen as the child's exit status 127, not an errno).
#if defined(__SANITIZE_THREAD__)
constexpr int kCloneFlags = CLONE_VFORK | SIGCHLD;
#else
constexpr int kCloneFlags = CLONE_VM | CLONE_VFORK | SIGCHLD;
#endif

SpawnResult Spawner::spawn(const SpawnRequest& request) {
  ChildPlan plan;
  plan.request = &request;
  plan.dev_null = dev_null_;
  plan.max_fd = max_fd_;
  plan.mask = &child_mask_;
  // CLONE_VFORK: this thread waits until the child has called execve (or failed), so the
  // stack and the plan are free again when clone returns.
  pid_t pid = clone(run_child, stack_ + kChildStackBytes, kCloneFlags, &plan);
  SpawnResult result;
  if (pid < 0) {
    result.error = errno;
  } else if (plan.error != 0) {
    waitpid(pid, nullptr, 0);  // the child exited without exec: reap it here
    result.error = plan.error;
  } else {
    result.pid = pid;
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
