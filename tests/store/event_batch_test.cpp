#include "core/store/event_batch.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace flowrun::test {

TEST_CASE("event batch: a time equal to the line before's is left out and read back") {
  EventBatch batch;
  append_batched_event(batch, 1000, "PassStateEntered", "A", 0, "", R"({"input":{}})");
  append_batched_event(batch, 1000, "PassStateExited", "A", 0, "", R"({"output":)",
                       std::string_view("1"));
  append_batched_event(batch, 1002, "TaskStateEntered", "needs \"escapes\"", 2, "3.1",
                       R"({"input":[]})");
  append_batched_event(batch, 1002, "TaskStateExited", "needs \"escapes\"", 2, "3.1",
                       R"({"output":null})");
  CHECK(batch.text ==
        "1000\tPassStateEntered\t\"A\"\t0\t{\"input\":{}}\n"
        "\tPassStateExited\t\"A\"\t0\t{\"output\":1}\n"
        "1002\tTaskStateEntered\t\"needs \\\"escapes\\\"\"\t2@3.1\t{\"input\":[]}\n"
        "\tTaskStateExited\t\"needs \\\"escapes\\\"\"\t2@3.1\t{\"output\":null}\n");

  std::vector<EventRow> events;
  expand_event_batch(batch.text, events);
  REQUIRE(events.size() == 4);
  CHECK(events[0].at_ms == 1000);
  CHECK(events[1].at_ms == 1000);
  CHECK(events[1].type == "PassStateExited");
  CHECK(events[1].detail == R"({"output":1})");
  CHECK(events[2].at_ms == 1002);
  CHECK(events[3].at_ms == 1002);
  CHECK(events[3].step_id == "needs \"escapes\"");
  CHECK(events[3].attempt == 2);
  CHECK(events[3].frame == "3.1");
}

TEST_CASE("event batch: a new batch writes its first time in full") {
  EventBatch batch;
  append_batched_event(batch, 5, "ExecutionStarted", "", 0, "", "{}");
  batch.clear();
  append_batched_event(batch, 5, "ExecutionSucceeded", "", 0, "", "{}");
  CHECK(batch.text == "5\tExecutionSucceeded\t\"\"\t0\t{}\n");
}

TEST_CASE("event batch: rows written with every time in full still read") {
  std::vector<EventRow> events;
  expand_event_batch("7\tPassStateEntered\t\"A\"\t0\t{}\n7\tPassStateExited\t\"A\"\t0\t{}\n",
                     events);
  REQUIRE(events.size() == 2);
  CHECK(events[0].at_ms == 7);
  CHECK(events[1].at_ms == 7);
}

}  // namespace flowrun::test
