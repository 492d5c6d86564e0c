#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>

#include "core/asl/load_state_machine.hpp"
#include "core/validate/asl_checks.hpp"
#include "core/validate/render_diagnostics.hpp"
#include "support/cli_runner.hpp"

using namespace flowrun;
namespace fs = std::filesystem;

namespace {

// Loads and validates `relative` (a path under the source tree, as the diagnostics show it).
std::string diagnose(const std::string& relative) {
  Diagnostics d;
  std::string text = test::read_text(test::source_dir() / relative);
  auto document = parse_document(relative, text, d);
  if (document) {
    if (auto machine = load_state_machine(*document, d)) {
      validate_state_machine(*machine, relative, d);
    }
  }
  d.sort();
  return render_text(d);
}

std::vector<std::string> invalid_asl_files() {
  std::vector<std::string> out;
  for (const auto& entry : fs::directory_iterator(test::source_dir() / "workflows/invalid")) {
    std::string name = entry.path().filename().string();
    std::string ext = entry.path().extension().string();
    if (name.rfind("asl_", 0) == 0 && (ext == ".json" || ext == ".yaml" || ext == ".yml")) {
      out.push_back("workflows/invalid/" + name);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("each invalid ASL example gives exactly the diagnostics beside it") {
  auto files = invalid_asl_files();
  REQUIRE_FALSE(files.empty());
  for (const std::string& file : files) {
    CAPTURE(file);
    fs::path expected = test::source_dir() / file;
    expected.replace_extension(".expected");
    REQUIRE(fs::exists(expected));
    CHECK(diagnose(file) == test::read_text(expected));
  }
}

TEST_CASE("the ASL order-processing example is valid") {
  CHECK(diagnose("workflows/order_processing.asl.json") == "");
}
