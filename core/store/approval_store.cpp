#include "core/store/approval_store.hpp"

#include "core/engine/run_state.hpp"

namespace flowrun {
namespace {

constexpr const char* kColumns = "step_id, state, requested_ms, deadline_ms, message, answer";

ApprovalState parse_state(const std::string& text) {
  if (text == "answered") return ApprovalState::Answered;
  if (text == "closed") return ApprovalState::Closed;
  return ApprovalState::Waiting;
}

ApprovalRow read_row(const Statement& query) {
  ApprovalRow row;
  row.step_id = query.column_text(0);
  row.state = parse_state(query.column_text(1));
  row.requested_ms = query.column_int(2);
  row.deadline_ms = query.column_int(3);
  row.message = query.column_text(4);
  if (!query.is_null(5)) {
    row.answer = parse_approval_answer(nlohmann::json::parse(query.column_text(5), nullptr, false));
  }
  return row;
}

std::string dump(const ApprovalAnswer& answer) {
  return to_json(answer).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void set_state(Database& db, std::int64_t run_key, std::string_view step_id, const char* state,
               const ApprovalAnswer* answer) {
  Statement update(db,
                   "UPDATE approvals SET state = ?3, answer = coalesce(?4, answer) WHERE run = ?1 "
                   "AND step_id = ?2");
  update.bind(1, run_key).bind(2, step_id).bind(3, state);
  if (answer) {
    update.bind(4, dump(*answer));
  } else {
    update.bind_null(4);
  }
  update.run();
}

}  // namespace

std::optional<ApprovalRow> find_approval(Database& db, std::int64_t run_key,
                                         std::string_view step_id) {
  Statement query(
      db, std::string("SELECT ") + kColumns + " FROM approvals WHERE run = ?1 AND step_id = ?2");
  query.bind(1, run_key).bind(2, step_id);
  if (!query.step()) return std::nullopt;
  return read_row(query);
}

std::vector<ApprovalRow> waiting_approvals(Database& db, std::int64_t run_key) {
  Statement query(db, std::string("SELECT ") + kColumns +
                          " FROM approvals WHERE run = ?1 AND state = 'waiting' ORDER BY "
                          "requested_ms, step_id");
  query.bind(1, run_key);
  std::vector<ApprovalRow> rows;
  while (query.step()) rows.push_back(read_row(query));
  return rows;
}

ApprovalTicket request_approval(Database& db, std::int64_t run_key, std::string_view step_id,
                                const ApprovalRequest& request) {
  Transaction transaction(db);
  std::optional<ApprovalRow> row = find_approval(db, run_key, step_id);
  ApprovalTicket ticket;
  if (row && row->state == ApprovalState::Answered && row->answer) {
    ticket.answer = row->answer;
    return ticket;  // rolled back: nothing to change until it is applied
  }
  if (row && row->state == ApprovalState::Waiting) {
    ticket.deadline_ms = row->deadline_ms;
    Statement update(db, "UPDATE approvals SET message = ?3 WHERE run = ?1 AND step_id = ?2");
    update.bind(1, run_key).bind(2, step_id).bind(3, request.message);
    update.run();
  } else {
    const std::int64_t now = now_epoch_ms();
    ticket.deadline_ms = request.timeout_ms > 0 ? now + request.timeout_ms : 0;
    Statement insert(db,
                     "INSERT OR REPLACE INTO approvals (run, step_id, state, requested_ms, "
                     "deadline_ms, message, answer) VALUES (?1, ?2, 'waiting', ?3, ?4, ?5, NULL)");
    insert.bind(1, run_key).bind(2, step_id).bind(3, now).bind(4, ticket.deadline_ms);
    insert.bind(5, request.message);
    insert.run();
  }
  transaction.commit();
  return ticket;
}

AnswerOutcome answer_approval(Database& db, std::int64_t run_key, std::string_view step_id,
                              const ApprovalAnswer& answer, ApprovalRow& found) {
  Transaction transaction(db);
  std::optional<ApprovalRow> row = find_approval(db, run_key, step_id);
  if (!row) return AnswerOutcome::NotAsked;
  found = *row;
  if (row->state != ApprovalState::Waiting) return AnswerOutcome::AlreadyAnswered;
  if (row->deadline_ms != 0 && answer.answered_ms > row->deadline_ms) {
    return AnswerOutcome::Expired;
  }
  set_state(db, run_key, step_id, "answered", &answer);
  transaction.commit();
  return AnswerOutcome::Answered;
}

ApprovalAnswer settle_approval(Database& db, std::int64_t run_key, std::string_view step_id,
                               const ApprovalAnswer& proposed) {
  Transaction transaction(db);
  std::optional<ApprovalRow> row = find_approval(db, run_key, step_id);
  ApprovalAnswer stands = proposed;
  if (row && row->state != ApprovalState::Waiting && row->answer) {
    stands = *row->answer;
    set_state(db, run_key, step_id, "closed", nullptr);
  } else {
    set_state(db, run_key, step_id, "closed", &proposed);
  }
  transaction.commit();
  return stands;
}

void close_approval(Database& db, std::int64_t run_key, std::string_view step_id) {
  Transaction transaction(db);
  set_state(db, run_key, step_id, "closed", nullptr);
  transaction.commit();
}

}  // namespace flowrun
