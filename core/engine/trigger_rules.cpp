#include "core/engine/trigger_rules.hpp"

namespace flowrun {

void NeedCounts::add(StepStatus status, bool continued) {
  if (status == StepStatus::Succeeded || continued) {
    ++succeeded;
  } else if (status == StepStatus::Skipped) {
    ++skipped;
  } else {
    ++failed;
  }
}

TriggerDecision evaluate_trigger(TriggerRule rule, const NeedCounts& needs) {
  using D = TriggerDecision;
  if (needs.total == 0) return D::Run;
  const bool done = needs.all_done();
  switch (rule) {
    case TriggerRule::AllSuccess:
      if (needs.failed > 0) return D::UpstreamFailed;
      if (!done) return D::Wait;
      return needs.skipped > 0 ? D::Skip : D::Run;
    case TriggerRule::AllFailed:
      if (needs.succeeded > 0 || needs.skipped > 0) return D::Skip;
      return done ? D::Run : D::Wait;
    case TriggerRule::AllDone:
    case TriggerRule::Always:
      return done ? D::Run : D::Wait;
    case TriggerRule::OneSuccess:
      if (needs.succeeded > 0) return D::Run;
      if (!done) return D::Wait;
      return needs.skipped == needs.total ? D::Skip : D::UpstreamFailed;
    case TriggerRule::OneFailed:
      if (needs.failed > 0) return D::Run;
      return done ? D::Skip : D::Wait;
    case TriggerRule::NoneFailed:
      if (needs.failed > 0) return D::UpstreamFailed;
      return done ? D::Run : D::Wait;
  }
  return D::Wait;
}

}  // namespace flowrun
