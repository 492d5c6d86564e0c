#include "core/exec/spawn.hpp"

#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support/cli_runner.hpp"

using namespace flowrun;

namespace {
pid_t wait_for(pid_t pid, int& status) {
  pid_t got;
  while ((got = waitpid(pid, &status, 0)) < 0 && errno == EINTR) {
  }
  return got;
}
}  // namespace

TEST_CASE("a spawned process leads its own group, writes to its log, and reads /dev/null") {
  test::TempDir dir;
  std::string log = (dir.path() / "out.log").string();
  sigset_t mask;
  sigemptyset(&mask);
  Spawner spawner(mask);
  std::string script = "echo pgid=$(cut -d' ' -f5 /proc/$$/stat) pid=$$; cat; echo err >&2";
  std::vector<char*> argv{const_cast<char*>("/bin/sh"), const_cast<char*>("-c"), script.data(),
                          nullptr};
  char* envp[] = {const_cast<char*>("PATH=/usr/bin:/bin"), nullptr};
  SpawnRequest request;
  request.program = "/bin/sh";
  request.argv = argv.data();
  request.envp = envp;
  request.cwd = "/";
  request.log_path = log.c_str();
  SpawnResult result = spawner.spawn(request);
  REQUIRE(result.error == 0);
  int status = 0;
  REQUIRE(wait_for(result.pid, status) == result.pid);
  CHECK(decode_wait_status(status).exit_code == 0);
  std::string pid = std::to_string(result.pid);
  CHECK(test::read_text(log) == "pgid=" + pid + " pid=" + pid + "\nerr\n");
}

TEST_CASE("spawn reports a missing program as an error number, not an exception") {
  sigset_t mask;
  sigemptyset(&mask);
  Spawner spawner(mask);
  std::vector<char*> argv{const_cast<char*>("/nonexistent/program"), nullptr};
  char* envp[] = {nullptr};
  SpawnRequest request;
  request.program = argv[0];
  request.argv = argv.data();
  request.envp = envp;
  request.log_path = "/dev/null";
  SpawnResult result = spawner.spawn(request);
  CHECK(result.error == ENOENT);
}

TEST_CASE("wait statuses decode to exit codes and 128+N for signals") {
  sigset_t mask;
  sigemptyset(&mask);
  Spawner spawner(mask);
  std::string script = "kill -TERM $$";
  std::vector<char*> argv{const_cast<char*>("/bin/sh"), const_cast<char*>("-c"), script.data(),
                          nullptr};
  char* envp[] = {nullptr};
  SpawnRequest request;
  request.program = "/bin/sh";
  request.argv = argv.data();
  request.envp = envp;
  request.log_path = "/dev/null";
  SpawnResult result = spawner.spawn(request);
  REQUIRE(result.error == 0);
  int status = 0;
  wait_for(result.pid, status);
  ExitStatus exit = decode_wait_status(status);
  CHECK(exit.exit_code == 128 + SIGTERM);
  CHECK(exit.signal == SIGTERM);
}
