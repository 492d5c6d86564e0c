#include <doctest/doctest.h>

#include <chrono>
#include <cstdio>

#include "core/asl/interpreter.hpp"
#include "core/engine/event_loop.hpp"
#include "core/store/asl_recorder.hpp"
#include "core/store/run_store.hpp"
#include "core/validate/load_definition.hpp"
#include "support/cli_runner.hpp"

// A measurement, not a check: skipped unless asked for (`scripts/bench asl` runs it with
// --no-skip). It prints Pass transitions per second with the history recorded in SQLite.

namespace flowrun::test {

TEST_CASE("in-process Pass throughput" * doctest::skip()) {
  constexpr int kIterations = 200000;
  // A loop of two Pass states and a Choice that counts with an intrinsic: 3 transitions
  // per iteration, every one recorded (entered + exited events).
  std::string text = R"j({"StartAt": "Init", "States": {
    "Init": {"Type": "Pass", "Result": {"i": 0}, "Next": "Check"},
    "Check": {"Type": "Choice", "Choices": [{"Variable": "$.i", "NumericGreaterThanEquals": )j" +
                     std::to_string(kIterations) + R"j(, "Next": "Done"}], "Default": "Inc"},
    "Inc": {"Type": "Pass", "Parameters": {"i.$": "States.MathAdd($.i, 1)"}, "Next": "Check"},
    "Done": {"Type": "Succeed"}}})j";
  std::string chain = R"({"StartAt": "S0", "States": {)";
  constexpr int kChain = 200000;
  for (int i = 0; i < kChain; ++i) {
    chain +=
        "\"S" + std::to_string(i) + "\": {\"Type\": \"Pass\", " +
        (i + 1 < kChain ? "\"Next\": \"S" + std::to_string(i + 1) + "\"}, " : "\"End\": true}");
  }
  chain += "}}";
  TempDir dir;
  for (const auto& [label, source, transitions] :
       {std::tuple{"Choice/Pass loop with MathAdd", text, 3 * kIterations + 2},
        std::tuple{"plain Pass chain", chain, kChain}}) {
    Diagnostics diagnostics;
    auto definition = load_definition_text("bench.asl.json", source, diagnostics);
    REQUIRE(definition);
    auto store = RunStore::open((dir.path() / "state").string());
    RunFolder folder = RunFolder::create((dir.path() / "state").string());
    int active = 0;
    std::int64_t key = store->claim_run(NewRun{folder.run_id(), "bench", "bench.asl.json", "0",
                                               folder.path(), nlohmann::json::object(), ""},
                                        0, active);
    SqliteExecutionRecorder recorder(store->db(), key, folder);
    asl::ExecutionObserver observer;
    asl::ExecutionOptions options;
    RunState run;
    run.run_id = folder.run_id();
    run.workflow = "bench";
    run.run_dir = folder.path();
    std::int64_t started = monotonic_ns();
    asl::ExecutionResult result = asl::run_state_machine(
        *definition->machine, nlohmann::json::object(), run, options, folder, recorder, observer);
    double seconds = static_cast<double>(monotonic_ns() - started) / 1e9;
    CHECK(result.run.status == RunStatus::Succeeded);
    std::printf("%s: %d transitions in %.3f s = %.2f M transitions/s (history in SQLite)\n", label,
                transitions, seconds, transitions / seconds / 1e6);
  }
}

}  // namespace flowrun::test
