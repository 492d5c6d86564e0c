#include "core/load/step_stream.hpp"

#include <doctest/doctest.h>

#include "core/load/load_document.hpp"
#include "core/load/load_workflow.hpp"
#include "core/validate/load_definition.hpp"

using namespace flowrun;

namespace {

// The workflow and problems as `flowrun run` loads a file (steps converted while parsing).
struct Streamed {
  Diagnostics diagnostics;
  std::optional<Definition> definition;
};

Streamed load_streamed(const std::string& text) {
  Streamed out;
  out.definition = load_definition_text("w.yaml", text, out.diagnostics);
  return out;
}

std::vector<std::string> codes_and_lines(const Diagnostics& diagnostics) {
  std::vector<std::string> out;
  for (const auto& d : diagnostics.items()) {
    out.push_back(d.code + "@" + std::to_string(d.pos.line) + ":" + std::to_string(d.pos.column));
  }
  return out;
}

}  // namespace

TEST_CASE("read_yaml hands the items of the streamed key over in order and keeps the rest") {
  Diagnostics diagnostics;
  std::vector<std::string> taken;
  ItemStream stream;
  stream.key = "steps";
  stream.take = [&](Node item) { taken.push_back(item.find("id")->text); };
  Node root = read_yaml("w.yaml", "name: x\nsteps:\n  - id: a\n  - {id: b}\nafter: [1, 2]\n",
                        diagnostics, {}, &stream);
  CHECK(stream.streamed);
  CHECK(taken == std::vector<std::string>{"a", "b"});
  REQUIRE(root.find("steps"));
  CHECK(root.find("steps")->is_sequence());
  CHECK(root.find("steps")->items.empty());
  CHECK(root.find("after")->items.size() == 2);
  CHECK(diagnostics.items().empty());
}

TEST_CASE("an anchored or nested 'steps' sequence is not streamed") {
  Diagnostics diagnostics;
  int taken = 0;
  ItemStream stream;
  stream.key = "steps";
  stream.take = [&](Node) { ++taken; };
  Node root = read_yaml("w.yaml", "nested:\n  steps: [1]\nsteps: &all\n  - id: a\nagain: *all\n",
                        diagnostics, {}, &stream);
  CHECK_FALSE(stream.streamed);
  CHECK(taken == 0);
  CHECK(root.find("steps")->items.size() == 1);
  CHECK(root.find("again")->items.size() == 1);
}

TEST_CASE("steps converted while parsing equal the steps converted from the whole tree") {
  const std::string text = R"(name: same
steps:
  - id: a
    run: "true"
  - id: b
    needs: [a]
    run: echo ${{ steps.a.outputs.x }}
    timeout: 0s
  - id: c
    needs: [b, missing]
    cmd: [ls, -l]
    bogus: 1
defaults:
  timeout: 1m
)";
  Streamed streamed = load_streamed(text);
  Diagnostics whole_diagnostics;
  auto document = parse_document("w.yaml", text, whole_diagnostics);
  REQUIRE(document);
  auto whole = load_workflow(*document, whole_diagnostics);
  REQUIRE(streamed.definition);
  REQUIRE(streamed.definition->workflow);
  REQUIRE(whole);
  const auto& steps = streamed.definition->workflow->steps;
  REQUIRE(steps.size() == whole->steps.size());
  for (std::size_t i = 0; i < steps.size(); ++i) {
    CHECK(steps[i].id == whole->steps[i].id);
    CHECK(steps[i].pos == whole->steps[i].pos);
    CHECK(steps[i].needs == whole->steps[i].needs);
    CHECK(steps[i].action.argv == whole->steps[i].action.argv);
  }
  CHECK(streamed.definition->workflow->defaults.timeout == Duration{60'000});
  // The same shape problems, at the same places (validation adds the unknown need).
  CHECK(codes_and_lines(streamed.diagnostics) ==
        std::vector<std::string>{"bad-timeout@8:14", "unknown-need@10:16", "unknown-key@12:5"});
  whole_diagnostics.sort();
  CHECK(codes_and_lines(whole_diagnostics) ==
        std::vector<std::string>{"bad-timeout@8:14", "unknown-key@12:5"});
}

TEST_CASE("a syntax error after the steps is the only problem reported") {
  Streamed streamed = load_streamed("steps:\n  - {id: a, bogus: 1}\n  - id: b\n  run: [\n");
  CHECK_FALSE(streamed.definition);
  std::vector<std::string> codes = codes_and_lines(streamed.diagnostics);
  REQUIRE(codes.size() == 1);
  CHECK(codes[0].rfind("syntax@", 0) == 0);
}

TEST_CASE("a second 'steps' key is a duplicate, and the first list is the one loaded") {
  Streamed streamed =
      load_streamed("steps:\n  - {id: a, run: \"true\"}\nsteps:\n  - {id: b, run: \"true\"}\n");
  REQUIRE(streamed.definition);
  REQUIRE(streamed.definition->workflow);
  REQUIRE(streamed.definition->workflow->steps.size() == 1);
  CHECK(streamed.definition->workflow->steps[0].id == "a");
  CHECK(codes_and_lines(streamed.diagnostics) == std::vector<std::string>{"duplicate-key@3:1"});
}
