#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/engine/run_state.hpp"
#include "core/engine/step_expressions.hpp"
#include "core/model/branch.hpp"

namespace flowrun {

/// The `type: branch` steps of a run (Step Functions' Choice, Airflow's branch operator): a
/// branch step evaluates its rules in order and takes the targets of the first that holds
/// (or of the default); the targets it did not take are skipped, whatever their trigger
/// rule, and the skip propagates through the rules of the steps after them.
class Branches {
 public:
  explicit Branches(const Workflow& workflow);

  /// Whether `step` is a branch step.
  bool is_branch(std::uint32_t step) const { return rules_.count(step) != 0; }

  /// What a branch step chose: its output `next` (the ids taken, comma-separated; "" when
  /// no rule matched and there is no default), or the cause when a condition failed.
  struct Choice {
    bool ok = true;
    std::string next;
    std::string cause;
  };
  Choice choose(std::uint32_t step, StepExpressions& expressions, const RunState& state) const;

  /// Why `dependent` is skipped because branch step `branch` (which succeeded) did not take
  /// it, or "" when it was taken or is no target of `branch`. Reads the branch's recorded
  /// output `next`, so a resumed run decides as the first one did.
  std::string not_taken(std::uint32_t branch, std::uint32_t dependent, const RunState& state) const;

 private:
  const Workflow& workflow_;
  std::unordered_map<std::uint32_t, std::vector<BranchRule>> rules_;
  std::unordered_map<std::uint32_t, std::vector<std::string>> targets_;
};

}  // namespace flowrun
