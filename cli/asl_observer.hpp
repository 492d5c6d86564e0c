#pragma once

#include <cstdio>
#include <string>

#include "core/asl/interpreter.hpp"

namespace flowrun::cli {

/// Progress of an ASL execution on stderr: a line when a Task, Wait, Parallel or Map state
/// starts and ends (with its Map item index), retries, and the end of the run. Buffered,
/// written when the loop sleeps.
class AslObserver : public asl::ExecutionObserver {
 public:
  explicit AslObserver(std::FILE* stream) : stream_(stream) {}
  ~AslObserver() override { flush(); }

  void state_started(const asl::StateRun& run) override;
  void state_finished(const asl::StateRun& run) override;
  void task_retrying(const asl::StateRun& run, const std::string& error,
                     std::int64_t delay_ms) override;
  void execution_stopping(int signal) override;
  void before_wait() override { flush(); }
  void run_started(const RunState& state, std::size_t states);
  void run_finished(const RunState& state);

 private:
  void flush();
  std::string label(const asl::StateRun& run) const;

  std::FILE* stream_;
  std::string pending_;
};

}  // namespace flowrun::cli
