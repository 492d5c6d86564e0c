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

TEST_CASE("spawn reports a missing program, working directory or log folder as an error number") {
  sigset_t mask;
  sigemptyset(&mask);
  Spawner spawner(mask);
  std::vector<char*> argv{const_cast<char*>("/bin/true"), nullptr};
  char* envp[] = {nullptr};
  SpawnRequest request;
  request.program = argv[0];
  request.argv = argv.data();
  request.envp = envp;
  request.log_path = "/dev/null";
  SUBCASE("program") { request.program = "/nonexistent/program"; }
  SUBCASE("working directory") { request.cwd = "/nonexistent/folder"; }
  SUBCASE("log") { request.log_path = "/nonexistent/folder/out.log"; }
  CHECK(spawner.spawn(request).error == ENOENT);
  // The spawner is still usable after a failed start.
  request = SpawnRequest{};
  request.program = argv[0];
  request.argv = argv.data();
  request.envp = envp;
  request.log_path = "/dev/null";
  SpawnResult result = spawner.spawn(request);
  REQUIRE(result.error == 0);
  int status = 0;
  REQUIRE(wait_for(result.pid, status) == result.pid);
  CHECK(decode_wait_status(status).exit_code == 0);
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

TEST_CASE("a spawned process starts with the given mask, default signals and no inherited fds") {
  test::TempDir dir;
  std::string log = (dir.path() / "out.log").string();
  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGUSR1);
  Spawner spawner(mask);
  // Ignored here, as a nohup'd or a piped flowrun may find them: the step must not inherit it.
  struct sigaction ignore {
  }, old_pipe{}, old_int{};
  ignore.sa_handler = SIG_IGN;
  sigaction(SIGPIPE, &ignore, &old_pipe);
  sigaction(SIGINT, &ignore, &old_int);
  int leaked = dup2(STDERR_FILENO, 57);  // no close-on-exec
  REQUIRE(leaked == 57);
  std::string script =
      // Read by the shell itself: a shell waiting for a command blocks every signal meanwhile.
      "while read -r key value; do case $key in SigBlk:|SigIgn:) echo $key $value;; esac; "
      "done < /proc/$$/status; "
      "if [ -e /proc/$$/fd/57 ]; then echo fd57=open; else echo fd57=closed; fi; pwd";
  std::vector<char*> argv{const_cast<char*>("/bin/sh"), const_cast<char*>("-c"), script.data(),
                          nullptr};
  char* envp[] = {const_cast<char*>("PATH=/usr/bin:/bin"), nullptr};
  SpawnRequest request;
  request.program = "/bin/sh";
  request.argv = argv.data();
  request.envp = envp;
  request.cwd = dir.path().c_str();
  request.log_path = log.c_str();
  SpawnResult result = spawner.spawn(request);
  close(leaked);
  sigaction(SIGPIPE, &old_pipe, nullptr);
  sigaction(SIGINT, &old_int, nullptr);
  REQUIRE(result.error == 0);
  int status = 0;
  REQUIRE(wait_for(result.pid, status) == result.pid);
  CHECK(decode_wait_status(status).exit_code == 0);
  CHECK(test::read_text(log) ==
        "SigBlk: 0000000000000200\nSigIgn: 0000000000000000\n"
        "fd57=closed\n" +
            dir.path().string() + "\n");
}
