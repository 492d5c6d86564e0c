#include "core/validate/workflow_checks.hpp"

#include <doctest/doctest.h>

#include <chrono>

#include "core/load/load_document.hpp"
#include "core/load/load_workflow.hpp"
#include "core/validate/render_diagnostics.hpp"

using namespace flowrun;

namespace {

// Loads and validates; load problems are not expected by these tests.
Diagnostics check(const std::string& text) {
  Diagnostics d;
  auto document = parse_document("w.yaml", text, d);
  REQUIRE(document);
  auto workflow = load_workflow(*document, d);
  REQUIRE(workflow);
  REQUIRE(d.items().empty());
  validate_workflow(*workflow, d);
  d.sort();
  return d;
}

const Diagnostic& only(const Diagnostics& d) {
  REQUIRE(d.items().size() == 1);
  return d.items()[0];
}

std::string first_note(const Diagnostic& d) { return d.notes.empty() ? "" : d.notes[0].message; }

Workflow chain(std::size_t length) {
  Workflow workflow;
  workflow.file = "big.yaml";
  workflow.steps.resize(length);
  for (std::size_t i = 0; i < length; ++i) {
    Step& step = workflow.steps[i];
    step.id = "s" + std::to_string(i);
    step.id_pos = {static_cast<std::uint32_t>(i + 1), 9};
    if (i > 0) {
      step.needs = {{"s" + std::to_string(i - 1), {static_cast<std::uint32_t>(i + 1), 20}}};
    }
  }
  return workflow;
}

}  // namespace

TEST_CASE("a valid workflow gives no diagnostics") {
  auto d = check(R"(steps:
  - {id: extract, run: x}
  - {id: transform, run: x, needs: extract}
  - {id: load.v2, run: x, needs: [extract, transform]}
on_failure:
  - {id: notify, run: x}
  - {id: page, run: x, needs: notify}
)");
  CHECK(d.items().empty());
}

TEST_CASE("a duplicate step id is reported at the second definition with a note at the first") {
  auto d = check("steps:\n  - id: a\n    run: x\n  - id: b\n    run: x\n  - id: a\n    run: y\n");
  const Diagnostic& diag = only(d);
  CHECK(diag.code == "duplicate-id");
  CHECK(diag.message == "duplicate step id 'a'");
  CHECK(diag.pos == SourcePos{6, 9});
  REQUIRE(diag.notes.size() == 1);
  CHECK(diag.notes[0].message == "first defined here");
  CHECK(diag.notes[0].pos == SourcePos{2, 9});
}

TEST_CASE("a handler id may not repeat a step id") {
  auto d = check("on_exit:\n  id: a\n  run: x\nsteps:\n  - id: a\n    run: x\n");
  const Diagnostic& diag = only(d);
  CHECK(diag.code == "duplicate-id");
  CHECK(diag.message == "id 'a' is used by both a step and a handler");
  CHECK(diag.pos == SourcePos{5, 9});
  CHECK(diag.notes.at(0).pos == SourcePos{2, 7});
}

TEST_CASE("a step id may hold only letters, digits, '_', '.' and '-'") {
  CHECK(is_valid_step_id("build_2.linux-x64"));
  CHECK(is_valid_step_id("2fast"));
  CHECK_FALSE(is_valid_step_id("-flag"));
  CHECK_FALSE(is_valid_step_id(".hidden"));
  CHECK_FALSE(is_valid_step_id("a b"));
  CHECK_FALSE(is_valid_step_id("a/b"));
  auto d = check("steps:\n  - id: build all\n    run: x\n");
  const Diagnostic& diag = only(d);
  CHECK(diag.code == "bad-id");
  CHECK(diag.message == "step id 'build all' has characters that are not allowed");
  CHECK(diag.pos == SourcePos{2, 9});
  CHECK(diag.length == 9);
}

TEST_CASE("an unknown needs target is reported at the entry with a did-you-mean") {
  auto d = check(R"(steps:
  - {id: transform, run: x}
  - id: load
    run: x
    needs: [transfrom, zzz]
)");
  REQUIRE(d.items().size() == 2);
  const Diagnostic& typo = d.items()[0];
  CHECK(typo.code == "unknown-need");
  CHECK(typo.message == "step 'load' needs unknown step 'transfrom'");
  CHECK(typo.pos == SourcePos{5, 13});
  CHECK(typo.length == 9);
  CHECK(first_note(typo) == "did you mean 'transform'?");
  CHECK(d.items()[1].notes.empty());
  CHECK(render_text(d) ==
        "w.yaml:5:13: error: step 'load' needs unknown step 'transfrom'\n"
        " 5 |     needs: [transfrom, zzz]\n"
        "   |             ^~~~~~~~~\n"
        "w.yaml:5:13: note: did you mean 'transform'?\n"
        "w.yaml:5:24: error: step 'load' needs unknown step 'zzz'\n"
        " 5 |     needs: [transfrom, zzz]\n"
        "   |                        ^~~\n"
        "2 errors generated.\n");
}

TEST_CASE("a step that needs itself is a self-need, not a cycle") {
  auto d = check("steps:\n  - id: a\n    run: x\n    needs: a\n");
  const Diagnostic& diag = only(d);
  CHECK(diag.code == "self-need");
  CHECK(diag.message == "step 'a' needs itself");
  CHECK(diag.pos == SourcePos{4, 12});
}

TEST_CASE("a cycle is reported once, at the needs entry that closes it, with its path") {
  auto d = check(R"(steps:
  - id: a
    run: x
    needs: c
  - id: b
    run: x
    needs: a
  - id: c
    run: x
    needs: b
)");
  const Diagnostic& diag = only(d);
  CHECK(diag.code == "cycle");
  CHECK(diag.message == "cycle in 'needs': a -> c -> b -> a");
  CHECK(diag.pos == SourcePos{7, 12});
}

TEST_CASE("two separate cycles give two diagnostics") {
  auto d = check(R"(steps:
  - {id: a, run: x, needs: b}
  - {id: b, run: x, needs: a}
  - {id: c, run: x, needs: d}
  - {id: d, run: x, needs: c}
)");
  REQUIRE(d.items().size() == 2);
  CHECK(d.items()[0].message == "cycle in 'needs': a -> b -> a");
  CHECK(d.items()[0].pos == SourcePos{3, 28});
  CHECK(d.items()[1].message == "cycle in 'needs': c -> d -> c");
}

TEST_CASE("duplicate needs entries are a warning with a note at the first") {
  auto d = check("steps:\n  - {id: a, run: x}\n  - {id: b, run: x, needs: [a, a]}\n");
  const Diagnostic& diag = only(d);
  CHECK(diag.severity == Severity::Warning);
  CHECK(diag.code == "duplicate-need");
  CHECK(diag.message == "step 'b' lists 'a' in 'needs' more than once");
  CHECK(diag.pos == SourcePos{3, 32});
  CHECK(diag.notes.at(0).pos == SourcePos{3, 29});
  CHECK_FALSE(d.has_errors());
}

TEST_CASE("a handler may need handlers of its own list but not main steps") {
  auto d = check(R"(steps:
  - {id: build, run: x}
on_failure:
  - {id: notify, run: x, needs: build}
  - {id: page, run: x, needs: [notfy]}
)");
  REQUIRE(d.items().size() == 2);
  CHECK(d.items()[0].code == "handler-needs-step");
  CHECK(d.items()[0].message == "handler 'notify' needs 'build', a step of the main graph");
  CHECK(d.items()[0].pos == SourcePos{4, 33});
  CHECK(d.items()[1].code == "unknown-need");
  CHECK(d.items()[1].message == "handler 'page' needs unknown handler 'notfy'");
  CHECK(first_note(d.items()[1]) == "did you mean 'notify'?");
}

TEST_CASE("10 000 steps in a chain validate quickly and without deep recursion") {
  Workflow workflow = chain(10'000);
  Diagnostics d;
  auto start = std::chrono::steady_clock::now();
  validate_workflow(workflow, d);
  auto elapsed = std::chrono::steady_clock::now() - start;
  CHECK(d.items().empty());
  // Generous: a debug build under sanitizers must pass too; the benchmark measures speed.
  CHECK(elapsed < std::chrono::seconds(5));
}

TEST_CASE("a cycle through 10 000 steps is reported with a shortened path") {
  Workflow workflow = chain(10'000);
  workflow.steps[0].needs = {{"s9999", {1, 20}}};
  Diagnostics d;
  validate_workflow(workflow, d);
  const Diagnostic& diag = only(d);
  CHECK(diag.code == "cycle");
  CHECK(diag.pos == SourcePos{2, 20});
  CHECK(diag.message ==
        "cycle in 'needs': s0 -> s9999 -> s9998 -> s9997 -> s9996 -> s9995 -> ... 9988 more ... "
        "-> s6 -> s5 -> s4 -> s3 -> s2 -> s1 -> s0");
}
