#include "core/load/load_workflow.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>

#include "core/load/load_document.hpp"

using namespace flowrun;

namespace {

struct Loaded {
  Diagnostics diagnostics;
  std::optional<Workflow> workflow;
};

Loaded load(const std::string& text, const std::string& path = "w.yaml") {
  Loaded out;
  auto document = parse_document(path, text, out.diagnostics);
  REQUIRE(document);
  out.workflow = load_workflow(*document, out.diagnostics);
  return out;
}

const Diagnostic& only(const Diagnostics& d) {
  REQUIRE(d.items().size() == 1);
  return d.items()[0];
}

std::string first_note(const Diagnostic& d) { return d.notes.empty() ? "" : d.notes[0].message; }

}  // namespace

TEST_CASE("a complete workflow loads into the model") {
  auto loaded = load(R"(name: nightly-etl
description: Nightly load
params:
  date: today
  retries: {type: integer, default: 3, minimum: 0, maximum: 10}
  mode: {type: string, enum: [full, delta], default: full}
secrets:
  token: {from_env: API_TOKEN}
env: {REGION: eu, COUNT: 3, DEBUG: true}
shell: bash
concurrency: 4
timeout: 1h30m
defaults: {retry: 2, timeout: 5m}
outputs: {rows: "${{ steps.load.outputs.rows }}"}
schedule: {cron: "0 3 * * *", timezone: Europe/Paris}
steps:
  - id: extract
    cmd: [curl, -o, out.csv, 3]
    retry: {attempts: 3, delay: 2s, backoff: 2, max_delay: 1m, jitter: 0.5, on_exit_codes: [7, 28]}
  - id: transform
    needs: extract
    run: ./transform.sh
    foreach: [a.csv, b.csv]
    max_parallel: 2
    tolerated_failures: 10%
  - id: load
    needs: [extract, transform]
    uses: postgres
    with: {table: sales}
    if: ${{ params.mode == 'full' }}
    trigger: all_done
    outputs: json
    timeout: 90
  - id: gate
    type: approval
    message: Ship it?
    on_timeout: reject
    repeat: {until: "${{ true }}", max: 3, interval: 10s}
on_failure:
  run: ./notify.sh
on_exit:
  - run: ./cleanup.sh
  - id: bye
    run: echo bye
)");
  CHECK(loaded.diagnostics.items().empty());
  REQUIRE(loaded.workflow);
  const Workflow& w = *loaded.workflow;
  CHECK(w.name == "nightly-etl");
  CHECK(w.description == "Nightly load");
  REQUIRE(w.params.size() == 3);
  CHECK(w.params[0].type == "string");
  CHECK(w.params[0].default_value == nlohmann::json("today"));
  CHECK(w.params[1].type == "integer");
  CHECK(w.params[1].default_value == nlohmann::json(3));
  CHECK(w.params[1].maximum == 10.0);
  CHECK(w.params[2].enum_values.size() == 2);
  REQUIRE(w.secrets.size() == 1);
  CHECK(w.secrets[0].from_env == "API_TOKEN");
  REQUIRE(w.env.size() == 3);
  CHECK(w.env[1].value == "3");
  CHECK(w.env[2].value == "true");
  CHECK(w.shell == "bash");
  CHECK(w.concurrency == 4);
  CHECK(w.timeout == Duration{5'400'000});
  CHECK(w.defaults.retry->attempts == 2);
  CHECK(w.defaults.timeout == Duration{300'000});
  REQUIRE(w.outputs.size() == 1);
  CHECK(w.outputs[0].first == "rows");
  REQUIRE(w.schedule);
  CHECK(w.schedule->cron == std::vector<std::string>{"0 3 * * *"});
  CHECK(w.schedule->timezone == "Europe/Paris");

  REQUIRE(w.steps.size() == 4);
  const Step& extract = w.steps[0];
  CHECK(extract.action.kind == ActionKind::Cmd);
  CHECK(extract.action.argv == std::vector<std::string>{"curl", "-o", "out.csv", "3"});
  REQUIRE(extract.extra().retry);
  CHECK(extract.extra().retry->attempts == 3);
  CHECK(extract.extra().retry->delay == Duration{2000});
  CHECK(extract.extra().retry->backoff == 2.0);
  CHECK(extract.extra().retry->max_delay == Duration{60'000});
  CHECK(extract.extra().retry->jitter == 0.5);
  CHECK(extract.extra().retry->on_exit_codes == std::vector<int>{7, 28});

  const Step& transform = w.steps[1];
  CHECK(transform.needs == std::vector<Need>{{"extract", {21, 12}}});
  REQUIRE(transform.extra().foreach);
  CHECK(transform.extra().foreach->items == nlohmann::json{"a.csv", "b.csv"});
  CHECK(transform.extra().foreach->max_parallel == 2);
  CHECK(transform.extra().foreach->tolerated_failures == "10%");

  const Step& load_step = w.steps[2];
  CHECK(load_step.id_pos == SourcePos{26, 9});
  CHECK(load_step.pos == SourcePos{26, 5});
  REQUIRE(load_step.needs.size() == 2);
  CHECK(load_step.needs[0].pos == SourcePos{27, 13});
  CHECK(load_step.needs[1].pos == SourcePos{27, 22});
  CHECK(load_step.action.kind == ActionKind::Uses);
  CHECK(load_step.extra().plugin == "postgres");
  CHECK(load_step.action.pos == SourcePos{28, 5});
  CHECK(load_step.extra().with == nlohmann::json{{"table", "sales"}});
  CHECK(load_step.extra().condition == "${{ params.mode == 'full' }}");
  CHECK(load_step.extra().condition_pos == SourcePos{30, 9});
  CHECK(load_step.trigger == TriggerRule::AllDone);
  CHECK(load_step.extra().trigger_pos == SourcePos{31, 14});
  CHECK(load_step.outputs == OutputsMode::Json);
  CHECK(load_step.extra().timeout == Duration{90'000});

  const Step& gate = w.steps[3];
  CHECK(gate.action.kind == ActionKind::Type);
  CHECK(gate.action.type == StepType::Approval);
  CHECK(gate.extra().type_config ==
        nlohmann::json{{"message", "Ship it?"}, {"on_timeout", "reject"}});
  REQUIRE(gate.extra().repeat);
  CHECK(gate.extra().repeat->max == 3);
  CHECK(gate.extra().repeat->interval == Duration{10'000});

  REQUIRE(w.on_failure.size() == 1);
  CHECK(w.on_failure[0].id == "on_failure");
  REQUIRE(w.on_exit.size() == 2);
  CHECK(w.on_exit[0].id == "on_exit_1");
  CHECK(w.on_exit[1].id == "bye");
}

TEST_CASE("a plain step stores no rarer keys, and a copied step keeps its own") {
  Loaded loaded = load(R"(steps:
  - {id: a, run: "true"}
  - {id: b, needs: [a], run: "true", timeout: 5s, if: "${{ true }}"}
)");
  REQUIRE(loaded.diagnostics.items().empty());
  const Step& plain = loaded.workflow->steps[0];
  CHECK_FALSE(plain.has_extra());
  CHECK_FALSE(plain.extra().timeout);
  CHECK(plain.extra().with == nlohmann::json::object());
  Step copy = loaded.workflow->steps[1];
  REQUIRE(copy.has_extra());
  copy.edit_extra().timeout = Duration{1000};
  CHECK(loaded.workflow->steps[1].extra().timeout == Duration{5000});
  CHECK(copy.extra().timeout == Duration{1000});
  CHECK(copy.extra().condition == "${{ true }}");
}

TEST_CASE("the name defaults to the file stem and dir is the file's absolute folder") {
  auto loaded = load("steps: []\n", "flows/nightly.yaml");
  REQUIRE(loaded.workflow);
  CHECK(loaded.workflow->name == "nightly");
  CHECK(loaded.workflow->file == "flows/nightly.yaml");
  CHECK(loaded.workflow->dir == (std::filesystem::current_path() / "flows").string());

  auto piped = load("steps: []\n", "<stdin>");
  REQUIRE(piped.workflow);
  CHECK(piped.workflow->dir == std::filesystem::current_path().string());
}

TEST_CASE("a top level that is not a mapping gives one error and no workflow") {
  auto loaded = load("- id: a\n  run: x\n");
  CHECK_FALSE(loaded.workflow);
  const Diagnostic& d = only(loaded.diagnostics);
  CHECK(d.code == "wrong-type");
  CHECK(d.message == "a workflow file must be a mapping with 'steps', not a list");
  CHECK(d.pos == SourcePos{1, 1});
}

TEST_CASE("a workflow without steps is reported") {
  auto loaded = load("name: x\n");
  const Diagnostic& d = only(loaded.diagnostics);
  CHECK(d.code == "missing-key");
  CHECK(d.message == "the workflow has no 'steps'");
}

TEST_CASE("unknown keys at every level are reported at the key with a did-you-mean note") {
  auto loaded = load(R"(nmae: x
params:
  p: {tpye: string}
steps:
  - id: a
    run: x
    nedes: b
    retry: {attemps: 2}
    repeat: {until: x, intreval: 1s}
)");
  const auto& items = loaded.diagnostics.items();
  REQUIRE(items.size() == 5);
  CHECK(items[0].message == "unknown key 'nmae' at the top level");
  CHECK(items[0].pos == SourcePos{1, 1});
  CHECK(items[0].length == 4);
  CHECK(first_note(items[0]) == "did you mean 'name'?");
  CHECK(items[1].message == "unknown key 'tpye' in param 'p'");
  CHECK(first_note(items[1]) == "did you mean 'type'?");
  CHECK(items[2].message == "unknown key 'nedes' in step 'a'");
  CHECK(items[2].pos == SourcePos{7, 5});
  CHECK(first_note(items[2]) == "did you mean 'needs'?");
  CHECK(items[3].message == "unknown key 'attemps' in 'retry'");
  CHECK(first_note(items[3]) == "did you mean 'attempts'?");
  CHECK(items[4].message == "unknown key 'intreval' in 'repeat'");
  CHECK(first_note(items[4]) == "did you mean 'interval'?");
  for (const auto& item : items) CHECK(item.code == "unknown-key");
}

TEST_CASE("an unknown key far from every known one gets no suggestion") {
  auto loaded = load("steps: []\nzzzzzz: 1\n");
  CHECK(only(loaded.diagnostics).notes.empty());
}

TEST_CASE("a value of the wrong type names the key, the expected type and what was written") {
  auto loaded = load(R"(steps:
  - id: a
    run: [echo, hi]
    timeout: [1s]
    continue_on_error: maybe
    needs: {a: b}
)");
  const auto& items = loaded.diagnostics.items();
  REQUIRE(items.size() == 4);
  CHECK(items[0].message == "'run' must be a string, not a list");
  CHECK(items[0].pos == SourcePos{3, 10});
  CHECK(items[1].message == "'timeout' must be a duration string such as '90s', not a list");
  CHECK(items[1].pos == SourcePos{4, 14});
  CHECK(items[2].message == "'continue_on_error' must be true or false, not a string");
  CHECK(items[3].message == "'needs' must be a string or a list of strings, not a mapping");
  for (const auto& item : items) CHECK(item.code == "wrong-type");
}

TEST_CASE("bad durations and non-positive timeouts are reported at the value") {
  auto loaded = load(R"(timeout: 0s
steps:
  - id: a
    run: x
    timeout: 5x
    kill_grace: -1s
  - id: b
    run: x
    timeout: -3m
)");
  const auto& items = loaded.diagnostics.items();
  REQUIRE(items.size() == 4);
  CHECK(items[0].code == "bad-timeout");
  CHECK(items[0].message == "'timeout' must be greater than zero, not '0s'");
  CHECK(items[1].code == "bad-duration");
  CHECK(items[1].message == "'timeout' is not a valid duration: '5x'");
  CHECK(items[1].pos == SourcePos{5, 14});
  CHECK(items[1].length == 2);
  CHECK(first_note(items[1]) == "write a number and a unit: 500ms, 90s, 5m, 1h30m or 2d");
  CHECK(items[2].code == "bad-duration");
  CHECK(items[3].code == "bad-timeout");
  CHECK(items[3].message == "'timeout' must be greater than zero, not '-3m'");
}

TEST_CASE("malformed retry policies are bad-retry errors at the offending value") {
  auto loaded = load(R"(steps:
  - id: a
    run: x
    retry: 0
  - id: b
    run: x
    retry:
      attempts: 0
      backoff: 0.5
      jitter: 1.5
      on_exit_codes: [1, x, 300]
  - id: c
    run: x
    retry: often
)");
  const auto& items = loaded.diagnostics.items();
  REQUIRE(items.size() == 7);
  CHECK(items[0].message == "'retry' must be at least 1 attempt, not 0");
  CHECK(items[0].pos == SourcePos{4, 12});
  CHECK(items[1].message == "'retry.attempts' must be at least 1, not 0");
  CHECK(items[1].pos == SourcePos{8, 17});
  CHECK(items[2].message == "'retry.backoff' must be a factor of at least 1, not 0.5");
  CHECK(items[3].message == "'retry.jitter' must be a fraction between 0 and 1, not 1.5");
  CHECK(items[4].message ==
        "'retry.on_exit_codes' must list exit codes, integers from 0 to 255, not 'x'");
  CHECK(items[4].pos == SourcePos{11, 26});
  CHECK(items[5].pos == SourcePos{11, 29});
  for (std::size_t i = 0; i < 6; ++i) CHECK(items[i].code == "bad-retry");
  CHECK(items[6].code == "wrong-type");
  CHECK(items[6].message ==
        "'retry' must be a number of attempts or a mapping with 'attempts', "
        "not a string");
}

TEST_CASE("a step without an id or without an action is reported at its mapping") {
  auto loaded = load("steps:\n  - name: nameless\n  - id: idle\n");
  const auto& items = loaded.diagnostics.items();
  REQUIRE(items.size() == 3);
  CHECK(items[0].code == "missing-id");
  CHECK(items[0].message == "step has no 'id'");
  CHECK(items[0].pos == SourcePos{2, 5});
  CHECK(items[1].code == "no-action");
  CHECK(items[1].message == "step has no action");
  CHECK(items[2].code == "no-action");
  CHECK(items[2].message == "step 'idle' has no action");
  CHECK(items[2].pos == SourcePos{3, 5});
  CHECK(first_note(items[2]) == "give it one of 'run', 'cmd', 'uses' or 'type'");
}

TEST_CASE("several actions are reported at each extra key with a note at the first") {
  auto loaded = load("steps:\n  - id: a\n    run: make\n    cmd: [make]\n    uses: x\n");
  const auto& items = loaded.diagnostics.items();
  REQUIRE(items.size() == 2);
  CHECK(items[0].code == "several-actions");
  CHECK(items[0].message == "step 'a' has more than one action: 'run' and 'cmd'");
  CHECK(items[0].pos == SourcePos{4, 5});
  REQUIRE(items[0].notes.size() == 1);
  CHECK(items[0].notes[0].pos == SourcePos{3, 5});
  CHECK(items[1].message == "step 'a' has more than one action: 'run' and 'uses'");
  REQUIRE(loaded.workflow);
  CHECK(loaded.workflow->steps[0].action.kind == ActionKind::Run);
}

TEST_CASE("cmd must be an argv list, not a command line") {
  auto loaded = load("steps:\n  - id: a\n    cmd: make test\n  - id: b\n    cmd: []\n");
  const auto& items = loaded.diagnostics.items();
  REQUIRE(items.size() == 2);
  CHECK(items[0].code == "wrong-type");
  CHECK(items[0].message == "'cmd' must be a list of arguments such as [make, test], not a string");
  CHECK(first_note(items[0]) == "use 'run' for a shell command line");
  CHECK(items[1].code == "bad-value");
}

TEST_CASE("an unknown type or trigger rule is reported with a suggestion") {
  auto loaded = load(R"(steps:
  - id: a
    type: aproval
    trigger: one_sucess
  - id: b
    type: teleport
)");
  const auto& items = loaded.diagnostics.items();
  REQUIRE(items.size() == 3);
  CHECK(items[0].code == "unknown-type");
  CHECK(items[0].message == "unknown step type 'aproval'");
  CHECK(items[0].pos == SourcePos{3, 11});
  CHECK(first_note(items[0]) == "did you mean 'approval'?");
  CHECK(items[1].code == "unknown-trigger");
  CHECK(items[1].message == "unknown trigger rule 'one_sucess'");
  CHECK(first_note(items[1]) == "did you mean 'one_success'?");
  CHECK(first_note(items[2]) ==
        "the types are 'approval', 'wait', 'workflow', 'pass', 'fail', 'noop' or 'branch'");
}

TEST_CASE("foreach takes a list or an expression") {
  SUBCASE("an expression is kept for run time") {
    auto loaded = load("steps:\n  - id: a\n    run: x\n    foreach: ${{ params.files }}\n");
    CHECK(loaded.diagnostics.items().empty());
    CHECK(loaded.workflow->steps[0].extra().foreach->expression == "${{ params.files }}");
  }
  SUBCASE("anything else is bad-foreach") {
    auto loaded = load(
        "steps:\n  - id: a\n    run: x\n    foreach: a,b\n  - id: b\n    run: x\n"
        "    foreach: {a: 1}\n");
    const auto& items = loaded.diagnostics.items();
    REQUIRE(items.size() == 2);
    CHECK(items[0].code == "bad-foreach");
    CHECK(items[0].message ==
          "'foreach' must be a list or a '${{ }}' expression that gives one, not the string 'a,b'");
    CHECK(items[1].message ==
          "'foreach' must be a list or a '${{ }}' expression that gives one, not a mapping");
  }
  SUBCASE("fan-out limits need a fan-out") {
    auto loaded = load("steps:\n  - id: a\n    run: x\n    max_parallel: 2\n");
    CHECK(only(loaded.diagnostics).code == "misplaced-key");
    CHECK(only(loaded.diagnostics).message ==
          "'max_parallel' only applies to steps with 'foreach' or 'matrix'");
  }
  SUBCASE("a matrix is names to lists") {
    auto loaded = load(
        "steps:\n  - id: a\n    run: x\n    matrix: {os: [linux, mac], "
        "include: [{os: bsd}]}\n    tolerated_failures: 1\n");
    CHECK(loaded.diagnostics.items().empty());
    CHECK(loaded.workflow->steps[0].extra().matrix->at("os").size() == 2);
    CHECK(loaded.workflow->steps[0].extra().tolerated_failures == "1");
  }
}

TEST_CASE("with belongs to uses steps and workflow steps") {
  auto loaded = load(R"(steps:
  - id: a
    run: x
    with: {a: 1}
  - id: b
    type: workflow
    workflow: child.yaml
    with: {date: today}
  - id: c
    type: workflow
)");
  const auto& items = loaded.diagnostics.items();
  REQUIRE(items.size() == 2);
  CHECK(items[0].code == "misplaced-key");
  CHECK(items[0].message == "'with' only applies to steps with 'uses' or of type 'workflow'");
  CHECK(items[0].pos == SourcePos{4, 5});
  CHECK(items[1].code == "missing-key");
  CHECK(items[1].message ==
        "a 'workflow' step needs 'workflow', the path of the workflow file to run");
  CHECK(loaded.workflow->steps[1].extra().with == nlohmann::json{{"date", "today"}});
  CHECK(loaded.workflow->steps[1].extra().type_config ==
        nlohmann::json{{"workflow", "child.yaml"}});
}

TEST_CASE("type-specific keys go to type_config and only fit their type") {
  auto loaded = load(R"(steps:
  - id: w
    type: wait
    for: {file: /tmp/ready, stable_for: 2s}
    interval: 5s
    soft_fail: true
  - id: f
    type: fail
    error: Boom
    cause: it broke
  - id: p
    type: pass
    outputs: {answer: 42}
  - id: r
    run: x
    message: hello
  - id: v
    type: approval
    on_timeout: aprove
)");
  const auto& items = loaded.diagnostics.items();
  REQUIRE(items.size() == 2);
  CHECK(items[0].code == "misplaced-key");
  CHECK(items[0].message == "'message' only applies to steps of type 'approval'");
  CHECK(items[1].code == "bad-value");
  CHECK(items[1].message == "'on_timeout' must be 'approve', 'reject' or 'fail', not 'aprove'");
  CHECK(first_note(items[1]) == "did you mean 'approve'?");
  const auto& steps = loaded.workflow->steps;
  CHECK(steps[0].extra().type_config ==
        nlohmann::json{{"for", {{"file", "/tmp/ready"}, {"stable_for", 2000}}},
                       {"interval", 5000},
                       {"soft_fail", true}});
  CHECK(steps[1].extra().type_config == nlohmann::json{{"error", "Boom"}, {"cause", "it broke"}});
  CHECK(steps[2].extra().type_config == nlohmann::json{{"outputs", {{"answer", 42}}}});
}

TEST_CASE("a wait step needs exactly one of duration, until and for") {
  auto loaded = load(
      "steps:\n  - id: w\n    type: wait\n  - id: x\n    type: wait\n"
      "    duration: 1m\n    until: '2030-01-01T00:00:00Z'\n");
  const auto& items = loaded.diagnostics.items();
  REQUIRE(items.size() == 2);
  CHECK(items[0].code == "missing-key");
  CHECK(items[0].pos == SourcePos{3, 11});
  CHECK(items[1].code == "bad-value");
  CHECK(items[1].pos == SourcePos{7, 5});
  CHECK(items[1].notes.at(0).pos == SourcePos{6, 5});
}

TEST_CASE("step outputs are 'json' or absent") {
  auto loaded = load("steps:\n  - id: a\n    run: x\n    outputs: yaml\n");
  CHECK(only(loaded.diagnostics).code == "bad-value");
  CHECK(only(loaded.diagnostics).message ==
        "'outputs' of a step must be 'json' or left out, not 'yaml'");
}

TEST_CASE("params are typed and their defaults must fit the declaration") {
  auto loaded = load(R"(params:
  count: {type: integer, default: many}
  kind: {type: strng}
  level: {type: string, enum: [low, high], default: medium}
  code: {type: string, pattern: '^[A-Z]+$', default: abc}
  ratio: {type: number, minimum: 1, maximum: 0}
  flags: {type: array, default: [a, b]}
  plain: 42
steps: []
)");
  const auto& items = loaded.diagnostics.items();
  REQUIRE(items.size() == 5);
  CHECK(items[0].message == "default of param 'count' must be an integer (its type), not a string");
  CHECK(items[0].pos == SourcePos{2, 35});
  CHECK(items[1].message == "param 'kind' has unknown type 'strng'");
  CHECK(first_note(items[1]) == "did you mean 'string'?");
  CHECK(items[2].message == "default of param 'level' is not one of its 'enum' values");
  CHECK(items[3].message == "default of param 'code' does not match its pattern '^[A-Z]+$'");
  CHECK(items[4].message == "param 'ratio' has a maximum below its minimum");
  for (const auto& item : items) CHECK(item.code == "bad-param");
  const auto& params = loaded.workflow->params;
  CHECK(params[5].default_value == nlohmann::json{"a", "b"});
  CHECK(params[6].type == "string");
  CHECK(params[6].default_value == nlohmann::json("42"));
}

TEST_CASE("a secret takes exactly one of from_env and from_file") {
  auto loaded = load(R"(secrets:
  a: {from_env: A}
  b: {from_file: /run/b}
  c: {from_env: C, from_file: /c}
  d: {}
steps: []
)");
  const auto& items = loaded.diagnostics.items();
  REQUIRE(items.size() == 2);
  CHECK(items[0].code == "bad-secret");
  CHECK(items[0].message == "secret 'c' needs exactly one of 'from_env' or 'from_file'");
  CHECK(items[0].pos == SourcePos{4, 3});
  CHECK(loaded.workflow->secrets[1].from_file == "/run/b");
}

TEST_CASE("env is a mapping of scalars, numbers and booleans taken as written") {
  auto loaded = load("env: {A: 1.50, B: false, C: , D: [x]}\nsteps: []\n");
  CHECK(only(loaded.diagnostics).message == "'env.D' must be a string, not a list");
  const EnvList& env = loaded.workflow->env;
  REQUIRE(env.size() == 3);
  CHECK(env[0].value == "1.50");
  CHECK(env[1].value == "false");
  CHECK(env[2].value == "");
}

TEST_CASE("schedule is a cron string, a list of them or a mapping") {
  SUBCASE("string") {
    auto loaded = load("schedule: '@daily'\nsteps: []\n");
    CHECK(loaded.diagnostics.items().empty());
    CHECK(loaded.workflow->schedule->cron == std::vector<std::string>{"@daily"});
  }
  SUBCASE("list") {
    auto loaded = load("schedule: ['0 3 * * *', '30 12 * * MON-FRI']\nsteps: []\n");
    CHECK(loaded.diagnostics.items().empty());
    CHECK(loaded.workflow->schedule->cron.size() == 2);
  }
  SUBCASE("malformed") {
    auto loaded = load("schedule: {cron: '0 3 * *'}\nsteps: []\n");
    CHECK(only(loaded.diagnostics).code == "bad-schedule");
    CHECK(only(loaded.diagnostics).message ==
          "'schedule.cron' is not a cron expression: '0 3 * *'");
  }
}

TEST_CASE("concurrency and max_active_runs are positive integers") {
  auto loaded = load("concurrency: 0\nmax_active_runs: two\nsteps: []\n");
  const auto& items = loaded.diagnostics.items();
  REQUIRE(items.size() == 2);
  CHECK(items[0].code == "bad-value");
  CHECK(items[0].message == "'concurrency' must be a positive integer, not 0");
  CHECK(items[1].code == "wrong-type");
  CHECK(items[1].message == "'max_active_runs' must be a positive integer, not a string");
}

TEST_CASE("handlers are one step or a list of steps") {
  auto loaded = load("on_success: ./notify.sh\nsteps: []\n");
  CHECK(only(loaded.diagnostics).message ==
        "'on_success' must be a step or a list of steps, not a string");
}

TEST_CASE("the key lists name every key of the contract") {
  auto has = [](const std::vector<std::string>& keys, const std::string& key) {
    return std::find(keys.begin(), keys.end(), key) != keys.end();
  };
  for (const char* key :
       {"name", "params", "secrets", "defaults", "on_exit", "schedule", "steps"}) {
    CHECK(has(workflow_keys(), key));
  }
  for (const char* key : {"id", "needs", "run", "cmd", "uses", "with", "type", "if", "trigger",
                          "retry", "foreach", "matrix", "repeat", "message", "for", "branches"}) {
    CHECK(has(step_keys(), key));
  }
  CHECK(step_type_keys(StepType::Wait).size() == 6);
  CHECK(has(retry_keys(), "on_exit_codes"));
}

TEST_CASE("an approval's inputs are declared like params and may not take its outputs' names") {
  auto loaded = load(R"(steps:
  - id: gate
    type: approval
    inputs:
      ticket: {type: string, required: true, description: the change}
      replicas: {type: integr, default: 2}
      region: {enum: [eu, us], default: eu, secret: true}
      comment: {type: string}
)");
  const auto& items = loaded.diagnostics.items();
  REQUIRE(items.size() == 3);
  CHECK(items[0].message == "input 'replicas' has unknown type 'integr'");
  CHECK(first_note(items[0]) == "did you mean 'integer'?");
  CHECK(items[1].message == "unknown key 'secret' in input 'region'");
  CHECK(items[2].message == "input 'comment' would hide the answer's own output 'comment'");
  CHECK(items[2].pos == SourcePos{8, 7});
  const Step& gate = loaded.workflow->steps[0];
  const std::vector<Param>& inputs = gate.extra().inputs;
  REQUIRE(inputs.size() == 4);
  CHECK(inputs[0].name == "ticket");
  CHECK(inputs[0].required);
  CHECK(inputs[2].enum_values == std::vector<nlohmann::json>{"eu", "us"});
  CHECK(inputs[2].default_value == nlohmann::json("eu"));
}
