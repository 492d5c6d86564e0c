#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>

#include "core/load/load_document.hpp"
#include "core/load/load_workflow.hpp"
#include "core/validate/render_diagnostics.hpp"
#include "core/validate/workflow_checks.hpp"
#include "support/cli_runner.hpp"

using namespace flowrun;
namespace fs = std::filesystem;

namespace {

// Loads and validates `relative` (a path under the source tree, as the diagnostics show it).
std::string diagnose_native(const std::string& relative) {
  Diagnostics d;
  std::string text = test::read_text(test::source_dir() / relative);
  auto document = parse_document(relative, text, d);
  if (document) {
    if (auto workflow = load_workflow(*document, d)) validate_workflow(*workflow, d);
  }
  d.sort();
  return render_text(d);
}

// Native files only: the `asl_` ones belong to the ASL validator's test.
std::vector<std::string> invalid_native_files() {
  std::vector<std::string> out;
  for (const auto& entry : fs::directory_iterator(test::source_dir() / "workflows/invalid")) {
    std::string name = entry.path().filename().string();
    std::string ext = entry.path().extension().string();
    if (name.rfind("asl_", 0) != 0 && (ext == ".yaml" || ext == ".yml" || ext == ".json")) {
      out.push_back("workflows/invalid/" + name);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("each invalid native example gives exactly the diagnostics beside it") {
  auto files = invalid_native_files();
  REQUIRE(files.size() >= 6);
  for (const std::string& file : files) {
    CAPTURE(file);
    fs::path expected = test::source_dir() / file;
    expected.replace_extension(".expected");
    REQUIRE(fs::exists(expected));
    std::string actual = diagnose_native(file);
    CHECK(actual.find(" error: ") != std::string::npos);
    CHECK(actual == test::read_text(expected));
  }
}

TEST_CASE("the native example workflows load and validate without diagnostics") {
  for (const char* file :
       {"workflows/nightly_etl.yaml", "workflows/ci_pipeline.yaml", "workflows/fanout_files.yaml",
        "workflows/approval_deploy.yaml", "workflows/orders_report.yaml"}) {
    CAPTURE(file);
    CHECK(diagnose_native(file) == "");
  }
}
