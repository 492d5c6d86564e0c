#pragma once

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "core/engine/engine.hpp"
#include "core/engine/file_recorder.hpp"
#include "support/cli_runner.hpp"
#include "support/model_builders.hpp"

extern char** environ;

namespace flowrun::test {

/// A `run:` step with optional needs.
inline Step run_step(std::string id, std::string script, std::vector<std::string> needs = {}) {
  Step step;
  step.id = std::move(id);
  step.action.kind = ActionKind::Run;
  step.action.script = std::move(script);
  step.needs = needs_of(std::move(needs));
  return step;
}

/// A `type:` step.
inline Step type_step(std::string id, StepType type, std::vector<std::string> needs = {}) {
  Step step;
  step.id = std::move(id);
  step.action.kind = ActionKind::Type;
  step.action.type = type;
  step.needs = needs_of(std::move(needs));
  return step;
}

/// Runs workflows for real in a temporary folder (also the workflow's folder).
class EngineFixture {
 public:
  EngineFixture() {
    workflow.name = "test";
    workflow.file = (dir.path() / "workflow.yaml").string();
    workflow.dir = dir.path().string();
    for (char** entry = environ; *entry; ++entry) options.environment.emplace_back(*entry);
    options.jobs = 4;
  }

  /// Runs `workflow` with a FileRecorder under `<dir>/state`.
  RunState run() {
    RunFolder folder = RunFolder::create((dir.path() / "state").string());
    FileRecorder recorder(workflow, folder);
    state = run_workflow(workflow, options, folder, recorder, *observer);
    return state;
  }

  /// The record of step `id` in the last run.
  const StepRecord& step(const std::string& id) const {
    for (std::size_t i = 0; i < workflow.steps.size(); ++i) {
      if (workflow.steps[i].id == id) return state.steps.at(i);
    }
    throw std::runtime_error("no step " + id);
  }
  const StepDetails* details(const std::string& id) const {
    for (std::size_t i = 0; i < workflow.steps.size(); ++i) {
      if (workflow.steps[i].id == id) return state.find_details(i);
    }
    return nullptr;
  }
  std::string log_of(const std::string& id, int attempt = 1) const {
    return read_text(state.run_dir + "/steps/" + id + ".attempt-" + std::to_string(attempt) +
                     ".log");
  }

  TempDir dir;
  Workflow workflow;
  RunOptions options;
  RunState state;
  RunObserver null_observer;
  RunObserver* observer = &null_observer;
};

/// True while a process with this pid exists and is not a zombie.
inline bool is_alive(pid_t pid) {
  if (pid <= 0 || kill(pid, 0) != 0) return false;
  std::string stat = read_text("/proc/" + std::to_string(pid) + "/stat");
  std::size_t close_paren = stat.rfind(')');
  return close_paren == std::string::npos || stat.size() < close_paren + 3 ||
         stat[close_paren + 2] != 'Z';
}

/// Waits up to `seconds` for the process to be gone; true when it is.
inline bool wait_gone(pid_t pid, double seconds = 5) {
  auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (is_alive(pid)) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

/// The integer in a file (a pid written by a step), 0 when missing.
inline pid_t read_pid(const std::filesystem::path& path) {
  std::string text = read_text(path);
  return text.empty() ? 0 : static_cast<pid_t>(std::stol(text));
}

inline mode_t mode_of(const std::string& path) {
  struct stat info {};
  stat(path.c_str(), &info);
  return info.st_mode & 0777;
}

}  // namespace flowrun::test
