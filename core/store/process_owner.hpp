#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/util/duration.hpp"

namespace flowrun {

/// Who owns a run: a process, told apart from a later one with the same pid by its start
/// time (field 22 of /proc/PID/stat, clock ticks since boot) and the boot id.
struct ProcessOwner {
  pid_t pid = 0;
  std::int64_t start_ticks = 0;
  std::string boot_id;
};

/// This process.
ProcessOwner current_owner();

/// True when the process `owner` names is still running (same pid, start time and boot).
bool is_alive(const ProcessOwner& owner);

/// Stops what is left of process group `pgid` of an attempt of run `run_id` after the
/// flowrun that started it died: only when a member still carries FLOWRUN_RUN_ID=run_id in
/// its environment (the pgid was not reused), with SIGTERM, then SIGKILL after `grace`.
/// Returns true when a group was found and stopped.
bool stop_leftover_group(pid_t pgid, std::string_view run_id, Duration grace);

/// The process groups (other than this process's own) with a member that carries
/// FLOWRUN_RUN_ID=run_id in its environment: what a dead flowrun left of run `run_id`, even
/// attempts it had not yet recorded.
std::vector<pid_t> find_run_groups(std::string_view run_id);

}  // namespace flowrun
