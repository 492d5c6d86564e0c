#include "core/store/process_owner.hpp"

#include <dirent.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <fstream>
#include <iterator>
#include <sstream>
#include <thread>
#include <vector>

namespace flowrun {
namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Fields of /proc/PID/stat after the command name (which may hold spaces and parentheses):
// the first one returned is field 3 (state).
std::vector<std::string> stat_fields(pid_t pid) {
  std::string stat = read_file("/proc/" + std::to_string(pid) + "/stat");
  std::size_t paren = stat.rfind(')');
  std::vector<std::string> fields;
  if (paren == std::string::npos) return fields;
  std::istringstream rest(stat.substr(paren + 1));
  for (std::string field; rest >> field;) fields.push_back(field);
  return fields;
}

// A number field of /proc/PID/stat, or -1. Never throws: a process can vanish while its
// stat file is read, and a torn or empty field must not end a resume with an exception.
std::int64_t number_field(const std::string& field) {
  std::int64_t value = -1;
  auto [end, error] = std::from_chars(field.data(), field.data() + field.size(), value);
  if (error != std::errc{} || end != field.data() + field.size()) return -1;
  return value;
}

std::int64_t start_ticks_of(pid_t pid) {
  std::vector<std::string> fields = stat_fields(pid);
  if (fields.size() < 20 || fields[0] == "Z") return -1;  // field 22 is fields[19]
  return number_field(fields[19]);
}

std::string boot_id() {
  std::string id = read_file("/proc/sys/kernel/random/boot_id");
  while (!id.empty() && (id.back() == '\n' || id.back() == ' ')) id.pop_back();
  return id;
}

// Calls `visit(pid, process group)` for every live (not zombie) process.
template <typename Visit>
void for_each_process(Visit visit) {
  DIR* proc = opendir("/proc");
  if (!proc) return;
  while (dirent* entry = readdir(proc)) {
    char* end = nullptr;
    long pid = std::strtol(entry->d_name, &end, 10);
    if (pid <= 0 || *end != '\0') continue;
    std::vector<std::string> fields = stat_fields(static_cast<pid_t>(pid));
    if (fields.size() <= 2 || fields[0] == "Z") continue;
    std::int64_t group = number_field(fields[2]);
    if (group > 0) visit(static_cast<pid_t>(pid), static_cast<pid_t>(group));
  }
  closedir(proc);
}

// The pids of the live processes in group `pgid`.
std::vector<pid_t> group_members(pid_t pgid) {
  std::vector<pid_t> members;
  for_each_process([&](pid_t pid, pid_t group) {
    if (group == pgid) members.push_back(pid);
  });
  return members;
}

bool carries_run_id(pid_t pid, std::string_view run_id) {
  std::string environment = read_file("/proc/" + std::to_string(pid) + "/environ");
  std::string wanted = "FLOWRUN_RUN_ID=" + std::string(run_id);
  for (std::size_t start = 0; start < environment.size();) {
    std::size_t end = environment.find('\0', start);
    if (end == std::string::npos) end = environment.size();
    if (std::string_view(environment).substr(start, end - start) == wanted) return true;
    start = end + 1;
  }
  return false;
}

}  // namespace

std::vector<pid_t> find_run_groups(std::string_view run_id) {
  std::vector<pid_t> groups;
  const pid_t own = getpgrp();
  for_each_process([&](pid_t pid, pid_t group) {
    if (group <= 1 || group == own) return;
    if (std::find(groups.begin(), groups.end(), group) != groups.end()) return;
    if (carries_run_id(pid, run_id)) groups.push_back(group);
  });
  return groups;
}

ProcessOwner current_owner() {
  pid_t pid = getpid();
  return ProcessOwner{pid, start_ticks_of(pid), boot_id()};
}

bool is_alive(const ProcessOwner& owner) {
  if (owner.pid <= 0) return false;
  if (owner.boot_id != boot_id()) return false;
  return start_ticks_of(owner.pid) == owner.start_ticks;
}

bool stop_leftover_group(pid_t pgid, std::string_view run_id, Duration grace) {
  if (pgid <= 1) return false;
  bool ours = false;
  for (pid_t member : group_members(pgid)) {
    if (carries_run_id(member, run_id)) {
      ours = true;
      break;
    }
  }
  if (!ours || kill(-pgid, SIGTERM) != 0) return false;
  auto until = std::chrono::steady_clock::now() + grace.to_chrono();
  while (std::chrono::steady_clock::now() < until && !group_members(pgid).empty()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill(-pgid, SIGKILL);
  return true;
}

}  // namespace flowrun
