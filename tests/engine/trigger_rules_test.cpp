#include "core/engine/trigger_rules.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "engine/engine_fixture.hpp"

using namespace flowrun;
using namespace flowrun::test;

namespace {

// How an upstream step ended, as the trigger rules see it.
enum class Outcome { Succeeded, Failed, Skipped, UpstreamFailed, Continued };
constexpr Outcome kOutcomes[] = {Outcome::Succeeded, Outcome::Failed, Outcome::Skipped,
                                 Outcome::UpstreamFailed, Outcome::Continued};

const char* name_of(Outcome outcome) {
  switch (outcome) {
    case Outcome::Succeeded:
      return "succeeded";
    case Outcome::Failed:
      return "failed";
    case Outcome::Skipped:
      return "skipped";
    case Outcome::UpstreamFailed:
      return "upstream_failed";
    case Outcome::Continued:
      return "continued";
  }
  return "";
}

// REFERENCES.md's table, written out per rule for needs that have all finished.
StepStatus expected(TriggerRule rule, const std::vector<Outcome>& needs) {
  int ok = 0, failed = 0, skipped = 0;
  for (Outcome o : needs) {
    if (o == Outcome::Succeeded || o == Outcome::Continued) ++ok;
    if (o == Outcome::Failed || o == Outcome::UpstreamFailed) ++failed;
    if (o == Outcome::Skipped) ++skipped;
  }
  const int total = static_cast<int>(needs.size());
  switch (rule) {
    case TriggerRule::AllSuccess:
      return ok == total  ? StepStatus::Succeeded
             : failed > 0 ? StepStatus::UpstreamFailed
                          : StepStatus::Skipped;
    case TriggerRule::AllFailed:
      return failed == total ? StepStatus::Succeeded : StepStatus::Skipped;
    case TriggerRule::AllDone:
    case TriggerRule::Always:
      return StepStatus::Succeeded;
    case TriggerRule::OneSuccess:
      return ok > 0             ? StepStatus::Succeeded
             : skipped == total ? StepStatus::Skipped
                                : StepStatus::UpstreamFailed;
    case TriggerRule::OneFailed:
      return failed > 0 ? StepStatus::Succeeded : StepStatus::Skipped;
    case TriggerRule::NoneFailed:
      return failed > 0 ? StepStatus::UpstreamFailed : StepStatus::Succeeded;
  }
  return StepStatus::Pending;
}

std::string producer_id(Outcome outcome, int copy) {
  return fmt::format("p_{}_{}", name_of(outcome), copy);
}

// Upstream steps that end with each outcome, twice each (a need may repeat an outcome).
void add_producers(Workflow& workflow) {
  workflow.steps.push_back(run_step("root_ok", "true"));
  workflow.steps.push_back(run_step("root_fail", "exit 1"));
  for (int copy = 0; copy < 2; ++copy) {
    workflow.steps.push_back(run_step(producer_id(Outcome::Succeeded, copy), "true"));
    workflow.steps.push_back(run_step(producer_id(Outcome::Failed, copy), "exit 1"));
    Step skipped = run_step(producer_id(Outcome::Skipped, copy), "true", {"root_ok"});
    skipped.trigger = TriggerRule::AllFailed;
    workflow.steps.push_back(skipped);
    workflow.steps.push_back(
        run_step(producer_id(Outcome::UpstreamFailed, copy), "true", {"root_fail"}));
    Step continued = run_step(producer_id(Outcome::Continued, copy), "exit 1");
    continued.continue_on_error = true;
    workflow.steps.push_back(continued);
  }
}

}  // namespace

TEST_CASE("every trigger rule against every combination of two upstream outcomes") {
  EngineFixture fx;
  add_producers(fx.workflow);
  struct Case {
    std::string id;
    TriggerRule rule;
    std::vector<Outcome> needs;
  };
  std::vector<Case> cases;
  for (const std::string& rule_name : trigger_rule_names()) {
    TriggerRule rule = *parse_trigger_rule(rule_name);
    for (std::size_t a = 0; a < std::size(kOutcomes); ++a) {
      for (std::size_t b = a; b < std::size(kOutcomes); ++b) {
        Case c{fmt::format("t_{}_{}_{}", rule_name, name_of(kOutcomes[a]), name_of(kOutcomes[b])),
               rule,
               {kOutcomes[a], kOutcomes[b]}};
        Step target =
            run_step(c.id, "true", {producer_id(kOutcomes[a], 0), producer_id(kOutcomes[b], 1)});
        target.trigger = rule;
        fx.workflow.steps.push_back(target);
        cases.push_back(c);
      }
    }
    Step lone = run_step("t_" + rule_name + "_no_needs", "true");
    lone.trigger = rule;
    fx.workflow.steps.push_back(lone);
  }
  fx.run();
  for (const Case& c : cases) {
    CAPTURE(c.id);
    CHECK(to_string(fx.step(c.id).status) == to_string(expected(c.rule, c.needs)));
  }
  for (const std::string& rule_name : trigger_rule_names()) {
    CHECK(fx.step("t_" + rule_name + "_no_needs").status == StepStatus::Succeeded);
  }
  CHECK(fx.step("p_skipped_0").status == StepStatus::Skipped);
  CHECK(fx.step("p_upstream_failed_0").status == StepStatus::UpstreamFailed);
  CHECK(fx.step("p_continued_0").status == StepStatus::Failed);
  CHECK(fx.step("p_continued_0").continued);
}

TEST_CASE("a rule decides early only when no later outcome could change its answer") {
  NeedCounts needs;
  needs.total = 3;
  needs.add(StepStatus::Skipped, false);
  CHECK(evaluate_trigger(TriggerRule::AllSuccess, needs) == TriggerDecision::Wait);
  CHECK(evaluate_trigger(TriggerRule::AllFailed, needs) == TriggerDecision::Skip);
  needs.add(StepStatus::Failed, false);
  CHECK(evaluate_trigger(TriggerRule::AllSuccess, needs) == TriggerDecision::UpstreamFailed);
  CHECK(evaluate_trigger(TriggerRule::OneFailed, needs) == TriggerDecision::Run);
  CHECK(evaluate_trigger(TriggerRule::NoneFailed, needs) == TriggerDecision::UpstreamFailed);
  CHECK(evaluate_trigger(TriggerRule::AllDone, needs) == TriggerDecision::Wait);
  CHECK(evaluate_trigger(TriggerRule::Always, needs) == TriggerDecision::Wait);
  CHECK(evaluate_trigger(TriggerRule::OneSuccess, needs) == TriggerDecision::Wait);
  needs.add(StepStatus::Succeeded, false);
  CHECK(evaluate_trigger(TriggerRule::OneSuccess, needs) == TriggerDecision::Run);
  CHECK(evaluate_trigger(TriggerRule::AllDone, needs) == TriggerDecision::Run);
}

TEST_CASE("one_success starts as soon as one need succeeded, without waiting for the rest") {
  EngineFixture fx;
  fx.workflow.steps.push_back(run_step("fast", "true"));
  fx.workflow.steps.push_back(run_step("slow", "sleep 1"));
  Step join = run_step("join", "true", {"fast", "slow"});
  join.trigger = TriggerRule::OneSuccess;
  fx.workflow.steps.push_back(join);
  fx.run();
  CHECK(fx.step("join").status == StepStatus::Succeeded);
  CHECK(fx.step("join").ended_ms <= fx.step("slow").ended_ms);
}
