#include "core/validate/expr_checks.hpp"

#include <doctest/doctest.h>

#include "core/load/load_document.hpp"
#include "core/load/load_workflow.hpp"
#include "core/validate/render_diagnostics.hpp"
#include "core/validate/workflow_checks.hpp"

using namespace flowrun;

namespace {

// Loads and validates `text`, returning the rendered diagnostics (without colour).
std::string diagnose(const std::string& text) {
  Diagnostics d;
  auto document = parse_document("w.yaml", text, d);
  REQUIRE(document);
  auto workflow = load_workflow(*document, d);
  REQUIRE(workflow);
  validate_workflow(*workflow, d);
  d.sort();
  return render_text(d, RenderOptions{false});
}

}  // namespace

TEST_CASE("expressions everywhere are accepted when they read what exists upstream") {
  CHECK(diagnose(R"(params:
  date: {type: string, default: "2026-11-24"}
env:
  DAY: ${{ params.date }}
outputs:
  path: ${{ steps.extract.outputs.path }}
steps:
  - id: extract
    run: echo "${{ params.DATE }} ${{ run.id }} ${{ workflow.name }} ${{ env.DAY }}"
  - id: load
    needs: extract
    if: steps.extract.outputs.path != '' && success()
    cmd: [cat, "${{ steps.extract.outputs.path }}"]
    env:
      CODE: ${{ steps.extract.exit_code }}
    working_dir: ${{ env.DAY }}
  - id: later
    needs: load
    run: echo ${{ toJSON(steps.extract.status) }}
on_failure:
  - id: notify
    run: echo ${{ steps.later.status }}
)") == "");
}

TEST_CASE("a syntax error points at the exact character inside the YAML string") {
  CHECK(diagnose(R"(steps:
  - id: a
    run: echo ${{ 1 + }}
)") == R"(w.yaml:3:21: error: invalid expression in step 'a': Unexpected symbol: '+'
 3 |     run: echo ${{ 1 + }}
   |                     ^
1 error generated.
)");
}

TEST_CASE("positions are exact inside literal blocks and quoted strings") {
  std::string out = diagnose(R"(steps:
  - id: a
    run: |
      echo one
        echo ${{ steps.nope.outputs.x }}
  - id: b
    cmd: ['echo', 'it''s ${{ params.missing }}']
)");
  CHECK(out.find("w.yaml:5:24: error: unknown step 'nope' in step 'a'") != std::string::npos);
  CHECK(out.find("w.yaml:7:37: error: unknown param 'missing' in step 'b'") != std::string::npos);
}

TEST_CASE("unknown contexts, functions, steps, params and fields come with suggestions") {
  std::string out = diagnose(R"(params:
  date: x
steps:
  - id: extract
    run: echo ${{ parms.date }}
  - id: load
    needs: extract
    run: echo ${{ startwith('a', 'b') }} ${{ steps.extrct.outputs.p }}
  - id: more
    needs: load
    run: echo ${{ params.dat }} ${{ steps.extract.output.p }}
)");
  CHECK(out.find("w.yaml:5:19: error: unknown context 'parms' in step 'extract'") !=
        std::string::npos);
  CHECK(out.find("note: did you mean 'params'?") != std::string::npos);
  CHECK(out.find("w.yaml:8:19: error: unknown function 'startwith' in step 'load'") !=
        std::string::npos);
  CHECK(out.find("note: did you mean 'startsWith'?") != std::string::npos);
  CHECK(out.find("w.yaml:8:52: error: unknown step 'extrct' in step 'load'") != std::string::npos);
  CHECK(out.find("note: did you mean 'extract'?") != std::string::npos);
  CHECK(out.find("w.yaml:11:26: error: unknown param 'dat' in step 'more'") != std::string::npos);
  CHECK(out.find("w.yaml:11:51: error: steps have no field 'output' (in step 'more')") !=
        std::string::npos);
  CHECK(out.find("note: did you mean 'outputs'?") != std::string::npos);
}

TEST_CASE("reading a step that is not upstream is an error: it would be a race") {
  std::string out = diagnose(R"(steps:
  - id: a
    run: echo a
  - id: b
    run: echo ${{ steps.a.outputs.x }}
    if: ${{ steps.c.status == 'succeeded' }}
  - id: c
    needs: b
    run: echo c
)");
  CHECK(out.find("w.yaml:5:25: error: step 'b' reads steps.a, but 'a' is not upstream of it") !=
        std::string::npos);
  CHECK(out.find("note: add 'a' to its 'needs'") != std::string::npos);
  CHECK(out.find("w.yaml:6:19: error: step 'b' reads steps.c, but 'c' is not upstream of it") !=
        std::string::npos);
}

TEST_CASE("the workflow's env may read params, run and workflow only") {
  std::string out = diagnose(R"(env:
  A: ${{ steps.x.outputs.y }}
  B: "${{ env.A }}"
steps:
  - id: x
    run: echo
)");
  CHECK(out.find("w.yaml:2:10: error: unknown context 'steps' in the workflow's env") !=
        std::string::npos);
  CHECK(out.find("w.yaml:3:11: error: unknown context 'env' in the workflow's env") !=
        std::string::npos);
}

TEST_CASE("item is only known in fan-out steps; argument counts are syntax errors") {
  std::string out = diagnose(R"(steps:
  - id: x
    run: echo ${{ item }} ${{ join() }}
)");
  CHECK(out.find("w.yaml:3:19: error: 'item' is only set in a step with 'foreach' or 'matrix'") !=
        std::string::npos);
  CHECK(out.find("w.yaml:3:31: error: invalid expression in step 'x': Too few parameters "
                 "supplied: 'join'") != std::string::npos);
}
