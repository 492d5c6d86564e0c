#include <doctest/doctest.h>

#include "support/cli_runner.hpp"

using namespace flowrun::test;

TEST_CASE("scripts/torture: 5 rounds of SIGKILL and resume lose nothing and repeat no success") {
  std::string script = (source_dir() / "scripts/torture").string();
  auto result = run_process({script, "--rounds", "5"}, "", {{"FLOWRUN_BIN", flowrun_binary()}});
  INFO(result.out);
  INFO(result.err);
  CHECK(result.exit_code == 0);
  CHECK(result.out.find("torture: 5 rounds, 0 failed") != std::string::npos);
}
