#include "core/load/load_document.hpp"

#include <doctest/doctest.h>

#include "core/validate/render_diagnostics.hpp"

using namespace flowrun;

namespace {
std::optional<Document> parse(const std::string& path, const std::string& text, Diagnostics& d) {
  return parse_document(path, text, d);
}
}  // namespace

TEST_CASE("every node keeps its 1-based line and column") {
  Diagnostics d;
  auto doc = parse("w.yaml", "name: etl\nsteps:\n  - id: a\n    run: echo hi\n", d);
  REQUIRE(doc);
  CHECK_FALSE(d.has_errors());
  const Node* steps = doc->root.find("steps");
  REQUIRE(steps);
  CHECK(steps->pos == SourcePos{3, 3});
  const Node& step = steps->items.at(0);
  CHECK(step.find_entry("run")->key.pos == SourcePos{4, 5});
  CHECK(step.find("run")->pos == SourcePos{4, 10});
  CHECK(step.find("run")->text == "echo hi");
}

TEST_CASE("plain scalars follow the YAML 1.2 core schema") {
  Diagnostics d;
  auto doc = parse("w.yaml", "a: 12\nb: 1.5\nc: true\nd: yes\ne: ~\nf: '12'\ng: 0x1f\n", d);
  REQUIRE(doc);
  const Node& r = doc->root;
  CHECK(r.find("a")->kind == Node::Kind::Integer);
  CHECK(r.find("a")->integer == 12);
  CHECK(r.find("b")->kind == Node::Kind::Float);
  CHECK(r.find("c")->kind == Node::Kind::Bool);
  CHECK(r.find("d")->kind == Node::Kind::String);
  CHECK(r.find("e")->kind == Node::Kind::Null);
  CHECK(r.find("f")->kind == Node::Kind::String);
  CHECK(r.find("g")->integer == 31);
}

TEST_CASE("empty values, anchors, aliases, block scalars and tags read as before") {
  Diagnostics d;
  auto doc = parse("w.yaml",
                   "a:\nb: &shared {x: 1, y: [1, \"two\"]}\nc: *shared\nd: |\n  one\n  two\n"
                   "e: !!str 12\nf: caf\xc3\xa9\ng: [x, ]\nh:\n  -\n  - last\ni:\n# end\n",
                   d);
  REQUIRE(doc);
  CHECK_FALSE(d.has_errors());
  const Node& r = doc->root;
  // An empty value sits where the next token starts, as yaml-cpp placed it.
  CHECK(r.find("a")->kind == Node::Kind::Null);
  CHECK(r.find("a")->pos == SourcePos{2, 1});
  CHECK(r.find("c")->find("y")->items.at(1).text == "two");
  CHECK(r.find("c")->pos == SourcePos{3, 4});
  CHECK(r.find("d")->text == "one\ntwo\n");
  CHECK(r.find("e")->kind == Node::Kind::String);
  CHECK(r.find("e")->text == "12");
  CHECK(r.find_entry("g")->key.pos == SourcePos{9, 1});  // columns count bytes: é is two
  CHECK(r.find("g")->items.size() == 1);
  CHECK(r.find("h")->items.at(0).kind == Node::Kind::Null);
  CHECK(r.find("h")->items.at(0).pos == SourcePos{11, 4});  // an empty item stays on its line
  CHECK(r.find("i")->kind == Node::Kind::Null);
  CHECK(r.find("i")->pos == SourcePos{15, 1});
}

TEST_CASE("a second YAML document is a warning, and the first is the one read") {
  Diagnostics d;
  auto doc = parse("w.yaml", "name: one\n---\nname: two\n", d);
  REQUIRE(doc);
  REQUIRE(d.items().size() == 1);
  CHECK(d.items()[0].code == "multiple-documents");
  CHECK(doc->root.find("name")->text == "one");
}

TEST_CASE("a duplicate key is an error pointing at the second one, with a note at the first") {
  Diagnostics d;
  auto doc = parse("w.yaml", "name: a\nsteps: []\nname: b\n", d);
  REQUIRE(doc);
  REQUIRE(d.items().size() == 1);
  const Diagnostic& diag = d.items()[0];
  CHECK(diag.code == "duplicate-key");
  CHECK(diag.pos == SourcePos{3, 1});
  REQUIRE(diag.notes.size() == 1);
  CHECK(diag.notes[0].pos == SourcePos{1, 1});
  CHECK(doc->root.find("name")->text == "a");
}

TEST_CASE("a YAML syntax error is reported with its position") {
  Diagnostics d;
  auto doc = parse("w.yaml", "steps:\n  - id: a\n   run: [\n", d);
  CHECK_FALSE(doc);
  REQUIRE(d.items().size() == 1);
  CHECK(d.items()[0].code == "syntax");
  CHECK(d.items()[0].pos.is_known());
}

TEST_CASE("JSON files are checked as strict JSON and keep positions") {
  Diagnostics d;
  auto doc = parse("m.json", "{\n  \"StartAt\": \"A\",\n  \"States\": {}\n}\n", d);
  REQUIRE(doc);
  CHECK(doc->root.find("States")->pos == SourcePos{3, 13});
  CHECK(detect_kind(doc->root) == DocumentKind::StateMachine);

  Diagnostics bad;
  CHECK_FALSE(parse("m.json", "{\n  \"a\": 1,\n}\n", bad));
  REQUIRE(bad.items().size() == 1);
  CHECK(bad.items()[0].code == "syntax");
  CHECK(bad.items()[0].pos.line == 3);
}

TEST_CASE("hostile input gives one error and no crash") {
  SUBCASE("alias bomb") {
    std::string bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
    char prev = 'a';
    for (char name = 'b'; name <= 'k'; ++name, ++prev) {
      bomb += std::string(1, name) + ": &" + name + " [";
      for (int i = 0; i < 10; ++i) bomb += std::string(i ? ", *" : "*") + prev;
      bomb += "]\n";
    }
    Diagnostics d;
    CHECK_FALSE(parse("bomb.yaml", bomb, d));
    REQUIRE(d.items().size() == 1);
    CHECK(d.items()[0].message.find("alias bomb") != std::string::npos);
  }
  SUBCASE("10 000-deep nesting") {
    Diagnostics d;
    CHECK_FALSE(parse("deep.yaml", std::string(10'000, '[') + std::string(10'000, ']'), d));
    CHECK(d.has_errors());
    Diagnostics j;
    CHECK_FALSE(parse("deep.json", std::string(10'000, '[') + std::string(10'000, ']'), j));
    CHECK(j.has_errors());
  }
  SUBCASE("binary and invalid UTF-8 and empty") {
    Diagnostics d;
    CHECK_FALSE(parse("bin.yaml",
                      std::string("\x7f"
                                  "ELF\0\0",
                                  6),
                      d));
    CHECK_FALSE(parse("latin1.yaml", "name: caf\xe9\n", d));
    CHECK_FALSE(parse("empty.yaml", "\n  \n", d));
    CHECK(d.error_count() == 3);
  }
}

TEST_CASE("diagnostics render clang-style with the source line and a caret") {
  Diagnostics d;
  auto doc = parse("w.yaml", "name: a\nname: b\n", d);
  CHECK(render_text(d) ==
        "w.yaml:2:1: error: duplicate key 'name'\n"
        " 2 | name: b\n"
        "   | ^~~~\n"
        "w.yaml:1:1: note: first defined here\n"
        " 1 | name: a\n"
        "   | ^\n"
        "1 error generated.\n");
}
