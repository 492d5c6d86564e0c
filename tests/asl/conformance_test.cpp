// Runs every case of tests/asl/cases/*.json against the data layer. A file holds
// {"cases": [...]}; each case names a `kind` (what is called), its inputs, and either
// `expected` (the value) or `error` (the AslError name). See tests/asl/cases/README.md.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/asl/choice_rules.hpp"
#include "core/asl/data_flow.hpp"
#include "core/asl/intrinsics.hpp"
#include "core/asl/item_reader.hpp"
#include "core/asl/jsonpath.hpp"
#include "core/asl/timestamp.hpp"
#include "support/cli_runner.hpp"

using nlohmann::json;
using namespace flowrun;

namespace {

const json& field(const json& c, const char* key) {
  static const json null_value;
  auto it = c.find(key);
  return it == c.end() ? null_value : *it;
}

std::string text(const json& c, const char* key) { return field(c, key).get<std::string>(); }

json syntax_result(const std::optional<std::string>& message) {
  return message ? json(false) : json(true);
}

// The value a case produces; AslError propagates to the caller.
json run_case(const json& c) {
  const std::string kind = text(c, "kind");
  const json& input = field(c, "input");
  const json& context = field(c, "context");
  const json& state = field(c, "state");
  if (kind == "path") return asl::select_path(input, text(c, "path"), context, "States.Runtime");
  if (kind == "reference") {
    return asl::select_reference(input, text(c, "path"), context, "States.Runtime");
  }
  if (kind == "expression") {
    return asl::evaluate_expression(text(c, "expression"), input, context,
                                    "States.ParameterPathFailure");
  }
  if (kind == "template")
    return asl::evaluate_payload_template(field(c, "template"), input, context);
  if (kind == "input") return asl::effective_input(state, input, context);
  if (kind == "output") return asl::state_output(state, input, field(c, "result"), context);
  if (kind == "catch") return asl::catcher_output(state, input, field(c, "result"));
  if (kind == "choice") return asl::choose_next(state, input, context);
  if (kind == "rule") return asl::evaluate_choice_rule(state, input, context);
  if (kind == "map_items") return asl::map_items(state, input, context);
  if (kind == "map_item_input") return asl::map_item_input(state, input, context);
  if (kind == "item_reader") return asl::read_items(state, text(c, "text"));
  if (kind == "item_reader_limit") {
    json items = asl::read_items(state, text(c, "text"));
    asl::limit_items(state, items, input, context);
    return items;
  }
  if (kind == "manifest") {
    asl::InventoryManifest manifest = asl::read_manifest(text(c, "text"));
    return json{{"columns", manifest.columns}, {"requests", manifest.file_requests}};
  }
  if (kind == "manifest_rows") {
    return asl::read_manifest_rows(text(c, "text"),
                                   field(c, "columns").get<std::vector<std::string>>());
  }
  if (kind == "matches") return asl::string_matches(text(c, "text"), text(c, "pattern"));
  if (kind == "timestamp") return asl::parse_timestamp(text(c, "text")).has_value();
  std::size_t offset = 0;
  if (kind == "path_syntax") {
    return syntax_result(asl::check_path_syntax(text(c, "path"), false, offset));
  }
  if (kind == "reference_syntax") {
    return syntax_result(asl::check_path_syntax(text(c, "path"), true, offset));
  }
  if (kind == "intrinsic_syntax") {
    return syntax_result(asl::check_intrinsic_syntax(text(c, "expression"), offset));
  }
  FAIL("unknown case kind '" << kind << "'");
  return nullptr;
}

// Numbers compare by value (1 == 1.0), everything else exactly.
bool same(const json& a, const json& b) {
  if (a.is_number() && b.is_number()) return a.get<double>() == b.get<double>();
  if (a.type() != b.type()) return false;
  if (a.is_array()) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), same);
  }
  if (a.is_object()) {
    if (a.size() != b.size()) return false;
    for (auto it = a.begin(); it != a.end(); ++it) {
      if (!b.contains(it.key()) || !same(*it, b.at(it.key()))) return false;
    }
    return true;
  }
  return a == b;
}

std::vector<std::filesystem::path> case_files() {
  std::vector<std::filesystem::path> files;
  for (const auto& entry :
       std::filesystem::directory_iterator(test::source_dir() / "tests/asl/cases")) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

TEST_CASE("every conformance case of tests/asl/cases gives its expected value or error") {
  std::size_t count = 0;
  for (const auto& path : case_files()) {
    std::ifstream in(path);
    std::stringstream buffer;
    buffer << in.rdbuf();
    json file = json::parse(buffer.str());
    for (const json& c : file.at("cases")) {
      ++count;
      std::string where = path.filename().string() + ": " + text(c, "name");
      INFO(where);
      bool wants_error = c.contains("error");
      try {
        json actual = run_case(c);
        if (wants_error) {
          FAIL_CHECK("expected " << text(c, "error") << " but got " << actual.dump());
        } else {
          CHECK_MESSAGE(same(actual, c.at("expected")),
                        "expected " << c.at("expected").dump() << " but got " << actual.dump());
        }
      } catch (const asl::AslError& error) {
        if (wants_error) {
          CHECK_MESSAGE(error.error() == text(c, "error"), "expected "
                                                               << text(c, "error") << " but got "
                                                               << std::string(error.what()));
        } else {
          FAIL_CHECK("unexpected error " << std::string(error.what()));
        }
      }
    }
  }
  MESSAGE(count << " conformance cases");
  CHECK(count >= 300);
}
