#include <doctest/doctest.h>
#include <time.h>

#include <cstdio>

#include "core/asl/interpreter.hpp"
#include "core/engine/event_loop.hpp"
#include "core/store/asl_recorder.hpp"
#include "core/store/run_store.hpp"
#include "core/validate/load_definition.hpp"
#include "support/cli_runner.hpp"

// A measurement, not a check: skipped unless asked for (`scripts/bench asl` runs it with
// --no-skip). It prints Pass transitions per second in process, with the history events
// kept in memory (batched) and, end to end, written to SQLite with summary.json, by the wall
// clock and by the CPU time of the whole process.

namespace flowrun::test {
namespace {

double seconds_of(clockid_t clock) {
  timespec ts{};
  clock_gettime(clock, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

// Both clocks: the wall clock is what a user waits for, and the history's writer thread
// works alongside the execution; the CPU time of all threads is the work done, and on a
// shared machine it does not count the neighbours.
struct Seconds {
  double wall = 0;
  double cpu = 0;

  Seconds& operator+=(const Seconds& other) {
    wall += other.wall;
    cpu += other.cpu;
    return *this;
  }
};

struct Bench {
  TempDir dir;
  std::unique_ptr<RunStore> store = RunStore::open((dir.path() / "state").string());

  // The time of one execution of `machine`; history in SQLite when `sqlite`.
  Seconds run(const asl::StateMachine& machine, bool sqlite) {
    RunFolder folder = RunFolder::create((dir.path() / "state").string());
    asl::MemoryRecorder memory;
    std::unique_ptr<SqliteExecutionRecorder> database;
    if (sqlite) {
      int active = 0;
      std::int64_t key = store->claim_run(NewRun{folder.run_id(), "bench", "bench.asl.json", "0",
                                                 folder.path(), nlohmann::json::object(), ""},
                                          0, active);
      database = std::make_unique<SqliteExecutionRecorder>(store->db(), key, folder);
    }
    asl::ExecutionRecorder& recorder =
        database ? static_cast<asl::ExecutionRecorder&>(*database) : memory;
    asl::ExecutionObserver observer;
    asl::ExecutionOptions options;
    RunState run;
    run.run_id = folder.run_id();
    run.workflow = "bench";
    run.run_dir = folder.path();
    const double wall = seconds_of(CLOCK_MONOTONIC);
    const double cpu = seconds_of(CLOCK_PROCESS_CPUTIME_ID);
    asl::ExecutionResult result = asl::run_state_machine(machine, nlohmann::json::object(), run,
                                                         options, folder, recorder, observer);
    Seconds taken{seconds_of(CLOCK_MONOTONIC) - wall, seconds_of(CLOCK_PROCESS_CPUTIME_ID) - cpu};
    CHECK(result.run.status == RunStatus::Succeeded);
    return taken;
  }
};

std::optional<Definition> load(const std::string& text) {
  Diagnostics diagnostics;
  auto definition = load_definition_text("bench.asl.json", text, diagnostics);
  REQUIRE(definition);
  return definition;
}

void report(const char* label, double transitions, Seconds seconds) {
  std::printf("%s: %.0f transitions in %.3f s = %.2f M transitions/s (CPU: %.3f s = %.2f M/s)\n",
              label, transitions, seconds.wall, transitions / seconds.wall / 1e6, seconds.cpu,
              transitions / seconds.cpu / 1e6);
}

}  // namespace

TEST_CASE("in-process Pass throughput: Choice/Pass loop" * doctest::skip()) {
  constexpr int kIterations = 100000;
  // Two Pass states and a Choice per iteration, one of them counting with an intrinsic.
  auto loop = load(R"j({"StartAt": "Init", "States": {
    "Init": {"Type": "Pass", "Result": {"i": 0}, "Next": "Check"},
    "Check": {"Type": "Choice", "Choices": [{"Variable": "$.i", "NumericGreaterThanEquals": )j" +
                   std::to_string(kIterations) + R"j(, "Next": "Done"}], "Default": "Inc"},
    "Inc": {"Type": "Pass", "Parameters": {"i.$": "States.MathAdd($.i, 1)"}, "Next": "Check"},
    "Done": {"Type": "Succeed"}}})j");
  Bench bench;
  // Init, then Check and Inc per iteration, then the last Check and Done: the state
  // executions (the count was 3 per iteration until 2026-11-26, 1.5 times too many).
  const double loop_transitions = 2.0 * kIterations + 3;
  report("Choice/Pass loop, events in memory", loop_transitions, bench.run(*loop->machine, false));
  report("Choice/Pass loop, history in SQLite + summary.json", loop_transitions,
         bench.run(*loop->machine, true));
}

TEST_CASE("in-process Pass throughput: Pass chain" * doctest::skip()) {
  constexpr int kChain = 10000;
  constexpr int kChainRuns = 20;
  std::string chain_text = R"({"StartAt": "S0", "States": {)";
  for (int i = 0; i < kChain; ++i) {
    chain_text +=
        "\"S" + std::to_string(i) + "\": {\"Type\": \"Pass\", " +
        (i + 1 < kChain ? "\"Next\": \"S" + std::to_string(i + 1) + "\"}, " : "\"End\": true}");
  }
  auto chain = load(chain_text + "}}");
  Bench bench;
  Seconds seconds;
  for (int i = 0; i < kChainRuns; ++i) seconds += bench.run(*chain->machine, false);
  report("10 000-state Pass chain x 20, events in memory", double{kChain} * kChainRuns, seconds);
  // One run of 10 000 transitions is mostly the fixed cost of a run (its row, its folder, the
  // last commit); twenty show the cost per transition.
  Seconds recorded;
  for (int i = 0; i < kChainRuns; ++i) recorded += bench.run(*chain->machine, true);
  report("10 000-state Pass chain x 20, history in SQLite + summary.json",
         double{kChain} * kChainRuns, recorded);
}

}  // namespace flowrun::test
