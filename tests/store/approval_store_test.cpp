#include "core/store/approval_store.hpp"

#include <doctest/doctest.h>

#include "core/store/run_store.hpp"
#include "support/cli_runner.hpp"

using namespace flowrun;
using namespace flowrun::test;

namespace {

struct History {
  TempDir dir;
  std::unique_ptr<RunStore> store = RunStore::open((dir.path() / "state").string());
  std::int64_t run = claim();

  std::int64_t claim() {
    NewRun row{"20260101-000000-abcdef", "w", "/w.yaml", "0", "/runs/x", {}, {}};
    int active = 0;
    return store->claim_run(row, 0, active);
  }
};

ApprovalAnswer answer_by(const std::string& who, bool approved = true) {
  ApprovalAnswer answer;
  answer.approved = approved;
  answer.approver = who;
  answer.answered_ms = now_epoch_ms();
  answer.inputs = {{"ticket", "OPS-1"}};
  return answer;
}

}  // namespace

TEST_CASE("of two answers to an approval only the first is taken") {
  History h;
  ApprovalRow found;
  CHECK(answer_approval(h.store->db(), h.run, "gate", answer_by("ada"), found) ==
        AnswerOutcome::NotAsked);
  ApprovalTicket ticket = request_approval(h.store->db(), h.run, "gate", {"Ship?", 0});
  CHECK(ticket.deadline_ms == 0);
  CHECK_FALSE(ticket.answer);
  REQUIRE(waiting_approvals(h.store->db(), h.run).size() == 1);
  CHECK(answer_approval(h.store->db(), h.run, "gate", answer_by("ada"), found) ==
        AnswerOutcome::Answered);
  CHECK(answer_approval(h.store->db(), h.run, "gate", answer_by("bob", false), found) ==
        AnswerOutcome::AlreadyAnswered);
  REQUIRE(found.answer);
  CHECK(found.answer->approver == "ada");
  CHECK(waiting_approvals(h.store->db(), h.run).empty());
  // Asked again before it was applied (a resume): the answer is handed over, once.
  ticket = request_approval(h.store->db(), h.run, "gate", {"Ship?", 0});
  REQUIRE(ticket.answer);
  CHECK(ticket.answer->inputs == nlohmann::json{{"ticket", "OPS-1"}});
  close_approval(h.store->db(), h.run, "gate");
  ticket = request_approval(h.store->db(), h.run, "gate", {"Ship?", 0});
  CHECK_FALSE(ticket.answer);
}

TEST_CASE("a timeout settles an approval unless an answer was recorded first") {
  History h;
  ApprovalAnswer timeout;
  timeout.timed_out = true;
  timeout.comment = "no answer within 1s (on_timeout: reject)";
  request_approval(h.store->db(), h.run, "late", {"Ship?", 60000});
  ApprovalAnswer stands = settle_approval(h.store->db(), h.run, "late", timeout);
  CHECK(stands.timed_out);
  ApprovalRow found;
  CHECK(answer_approval(h.store->db(), h.run, "late", answer_by("ada"), found) ==
        AnswerOutcome::AlreadyAnswered);

  request_approval(h.store->db(), h.run, "raced", {"Ship?", 60000});
  REQUIRE(answer_approval(h.store->db(), h.run, "raced", answer_by("ada"), found) ==
          AnswerOutcome::Answered);
  stands = settle_approval(h.store->db(), h.run, "raced", timeout);
  CHECK_FALSE(stands.timed_out);
  CHECK(stands.approver == "ada");
}

TEST_CASE("a request that still waits keeps its deadline; an answer after it is refused") {
  History h;
  ApprovalTicket first = request_approval(h.store->db(), h.run, "gate", {"Ship?", 1});
  ApprovalTicket again = request_approval(h.store->db(), h.run, "gate", {"Ship now?", 1});
  CHECK(again.deadline_ms == first.deadline_ms);
  CHECK(find_approval(h.store->db(), h.run, "gate")->message == "Ship now?");
  ApprovalAnswer late = answer_by("ada");
  late.answered_ms = first.deadline_ms + 1;
  ApprovalRow found;
  CHECK(answer_approval(h.store->db(), h.run, "gate", late, found) == AnswerOutcome::Expired);
}
