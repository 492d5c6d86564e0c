#include "core/engine/handlers.hpp"

#include <array>
#include <iterator>
#include <utility>

namespace flowrun {
namespace {

// The lists in the order they are appended.
std::array<std::pair<const std::vector<Step>*, HandlerKind>, 5> lists_of(const Workflow& workflow) {
  return {{{&workflow.on_success, HandlerKind::OnSuccess},
           {&workflow.on_failure, HandlerKind::OnFailure},
           {&workflow.on_cancel, HandlerKind::OnCancel},
           {&workflow.on_exit, HandlerKind::OnExit},
           {&workflow.on_late, HandlerKind::OnLate}}};
}

std::size_t handler_count(const Workflow& workflow) {
  std::size_t count = 0;
  for (const auto& [list, kind] : lists_of(workflow)) count += list->size();
  return count;
}

const Step* first_handler(const Workflow& workflow) {
  for (const auto& [list, kind] : lists_of(workflow)) {
    if (!list->empty()) return &list->front();
  }
  return nullptr;
}

}  // namespace

// The model keeps no mark of the append: the handlers are the last steps exactly when the
// first of them sits where it would, since ids are unique across steps and handlers.
std::size_t handlers_from(const Workflow& workflow) {
  const std::size_t count = handler_count(workflow);
  const std::size_t n = workflow.steps.size();
  if (count == 0 || n < count) return n;
  return workflow.steps[n - count].id == first_handler(workflow)->id ? n - count : n;
}

void append_handlers(Workflow& workflow) {
  if (handlers_from(workflow) != workflow.steps.size()) return;
  std::vector<Step> handlers;
  for (const auto& [list, kind] : lists_of(workflow)) {
    handlers.insert(handlers.end(), list->begin(), list->end());
  }
  workflow.steps.insert(workflow.steps.end(), std::make_move_iterator(handlers.begin()),
                        std::make_move_iterator(handlers.end()));
}

HandlerKind handler_kind(const Workflow& workflow, std::size_t index) {
  std::size_t position = handlers_from(workflow);
  if (index < position || index >= workflow.steps.size()) return HandlerKind::None;
  for (const auto& [list, kind] : lists_of(workflow)) {
    position += list->size();
    if (index < position) return kind;
  }
  return HandlerKind::None;
}

std::string_view to_string(HandlerKind kind) {
  switch (kind) {
    case HandlerKind::OnSuccess:
      return "on_success";
    case HandlerKind::OnFailure:
      return "on_failure";
    case HandlerKind::OnCancel:
      return "on_cancel";
    case HandlerKind::OnExit:
      return "on_exit";
    case HandlerKind::OnLate:
      return "on_late";
    case HandlerKind::None:
      break;
  }
  return "";
}

bool handler_applies(HandlerKind kind, RunStatus status) {
  switch (kind) {
    case HandlerKind::OnSuccess:
      return status == RunStatus::Succeeded;
    case HandlerKind::OnFailure:
      return status == RunStatus::Failed;
    case HandlerKind::OnCancel:
      return status == RunStatus::Cancelled || status == RunStatus::TimedOut;
    case HandlerKind::OnExit:
      return true;
    case HandlerKind::OnLate:
    case HandlerKind::None:
      break;
  }
  return false;
}

}  // namespace flowrun
