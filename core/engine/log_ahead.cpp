// Log files opened ahead of their attempts. Creating a file is the slowest part of starting
// a step (a directory entry and an inode, through the file system's journal); done in the
// spawned child, it holds the whole loop until the child has exec'd. Opened here, while the
// loop would otherwise sleep, the child only duplicates a descriptor.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>

#include "core/engine/scheduler.hpp"

namespace flowrun {
namespace {

// Enough to cover the next start of every slot; a few descriptors at most.
constexpr std::size_t kMaxOpenedAhead = 8;

}  // namespace

// Steps here are units: a step, or a child of a foreach/matrix step (see RunState).
// Which steps are worth opening a log for: those that will start a process now or as soon
// as a slot frees (the head of the ready queue), and the one step that waits only for a
// running step to succeed (the next link of a chain), if nothing else can stop it.
void Scheduler::open_logs_ahead() {
  if (stop_reason_ != StopReason::None) return;
  const std::size_t budget = std::min(limit_, kMaxOpenedAhead);
  std::size_t wanted = 0;
  for (std::size_t i = ready_head_; i < ready_.size() && wanted < budget; ++i) {
    if (!needs_slot(ready_[i])) continue;
    ++wanted;
    open_log_ahead(ready_[i]);
  }
  if (wanted >= budget) return;
  for (const Slot& slot : slots_) {
    if (state_.is_child(slot.step)) continue;  // a foreach child has no dependents of its own
    for (std::uint32_t dependent : dag_.dependents(slot.step)) {
      if (wanted >= budget) return;
      const NeedCounts& needs = needs_[dependent];
      if (decided_[dependent] || needs.succeeded + 1 != needs.total) continue;
      if (trigger_of(dependent) != TriggerRule::AllSuccess) continue;
      if (definition_of(dependent).extra().condition || !needs_slot(dependent)) continue;
      ++wanted;
      open_log_ahead(dependent);
    }
  }
}

void Scheduler::open_log_ahead(std::uint32_t step) {
  const int attempt = state_.record_of(step).attempts + 1;
  for (const OpenedLog& log : opened_logs_) {
    if (log.step == step && log.attempt == attempt) return;
  }
  folder_.attempt_log_path(label_of(step), attempt, ahead_path_);
  // O_EXCL: a file that is there already is not ours to remove later.
  int fd = open(ahead_path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0600);
  if (fd >= 0) opened_logs_.push_back({step, attempt, fd});
}

int Scheduler::take_opened_log(std::uint32_t step, int attempt) {
  int fd = -1;
  for (std::size_t i = opened_logs_.size(); i-- > 0;) {
    if (opened_logs_[i].step != step) continue;
    if (opened_logs_[i].attempt == attempt && fd < 0) {
      fd = opened_logs_[i].fd;
      opened_logs_[i] = opened_logs_.back();
      opened_logs_.pop_back();
    } else {
      drop_opened_log(i);
    }
  }
  return fd;
}

// The attempt will not run after all (the step ended otherwise, or the run stops): the
// empty file goes, so that no log exists for an attempt that never started.
void Scheduler::drop_opened_log(std::size_t index) {
  const OpenedLog log = opened_logs_[index];
  opened_logs_[index] = opened_logs_.back();
  opened_logs_.pop_back();
  close(log.fd);
  folder_.attempt_log_path(label_of(log.step), log.attempt, ahead_path_);
  unlink(ahead_path_.c_str());
}

void Scheduler::drop_opened_logs_of(std::uint32_t step) {
  for (std::size_t i = opened_logs_.size(); i-- > 0;) {
    if (opened_logs_[i].step == step) drop_opened_log(i);
  }
}

void Scheduler::drop_opened_logs() {
  while (!opened_logs_.empty()) drop_opened_log(opened_logs_.size() - 1);
}

}  // namespace flowrun
