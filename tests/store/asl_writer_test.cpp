#include "core/store/asl_writer.hpp"

#include <doctest/doctest.h>

#include "core/store/event_batch.hpp"
#include "core/store/run_store.hpp"
#include "core/util/error.hpp"
#include "support/cli_runner.hpp"

namespace flowrun::test {
namespace {

struct WriterFixture {
  TempDir dir;
  std::unique_ptr<RunStore> store = RunStore::open((dir.path() / "state").string());
  std::int64_t key = 0;

  WriterFixture() {
    NewRun run;
    run.id = "20261126-000000-abcdef";
    run.workflow = "w";
    run.file = "/tmp/w.asl.json";
    run.run_dir = (dir.path() / "run").string();
    int active = 0;
    key = store->claim_run(run, 0, active);
  }
};

AslChanges events_of(std::int64_t at_ms, const char* state) {
  EventBatch batch;
  append_batched_event(batch, at_ms, "PassStateEntered", state, 0, "", "{\"input\":{}}");
  append_batched_event(batch, at_ms, "PassStateExited", state, 0, "", "{\"output\":{}}");
  AslChanges changes;
  changes.events = std::move(batch.text);
  changes.events_at_ms = at_ms;
  return changes;
}

}  // namespace

TEST_CASE("asl history writer: what is handed over is in the history after drain") {
  WriterFixture fixture;
  AslHistoryWriter writer(fixture.store->db(), fixture.key);
  AslChanges first = events_of(1000, "A");
  first.attempts.push_back({false, 0, -1, 1, "A", "running", -1, 1000, 4242, "/tmp/a.log"});
  writer.hand_over(first);
  CHECK(first.empty());
  AslChanges second = events_of(1001, "B");
  second.attempts.push_back({true, 0, -1, 1, "A", "succeeded", 0, 1001, 4242, "/tmp/a.log"});
  AslChanges::Ending ending;
  ending.status = "succeeded";
  ending.ended_ms = 1002;
  ending.output = R"({"done":true})";
  second.ending = ending;
  writer.hand_over(second);
  writer.drain();

  std::vector<EventRow> events = fixture.store->events_of(fixture.key);
  REQUIRE(events.size() == 4);
  CHECK(events[0].step_id == "A");
  CHECK(events[3].type == "PassStateExited");
  CHECK(events[3].step_id == "B");
  CHECK(events[3].at_ms == 1001);
  std::vector<AttemptRow> attempts = fixture.store->attempts_of(fixture.key);
  REQUIRE(attempts.size() == 1);
  CHECK(attempts[0].exit_code == 0);
  std::optional<RunRow> run = fixture.store->find_run("20261126-000000-abcdef");
  REQUIRE(run);
  CHECK(run->status == RunStatus::Succeeded);
  CHECK(run->ended_ms == 1002);
  CHECK(run->output == nlohmann::json{{"done", true}});
}

TEST_CASE("asl history writer: a failed write surfaces on the execution's thread") {
  WriterFixture fixture;
  AslHistoryWriter writer(fixture.store->db(), fixture.key);
  AslChanges first = events_of(1000, "A");
  writer.hand_over(first);
  writer.drain();
  // The connection is the caller's again: take the events table away from the writer.
  fixture.store->db().execute("ALTER TABLE events RENAME TO gone");
  AslChanges second = events_of(1001, "B");
  writer.hand_over(second);
  CHECK_THROWS_AS(writer.drain(), Error);
  AslChanges third = events_of(1002, "C");
  CHECK_THROWS_AS(writer.hand_over(third), Error);
}

}  // namespace flowrun::test
