/* floor: the physical floor of a workflow runner on this machine.
 *
 *   floor wide|chain|fanout|logged N [JOBS]
 *
 * Does only what any runner must do for the workload, with no scheduling, parsing or
 * bookkeeping: posix_spawn and waitpid.
 *   wide    N times /bin/true, JOBS children in flight (default 2)
 *   chain   N times /bin/true, strictly one after another
 *   fanout  /bin/true, then N times /bin/true with JOBS in flight, then /bin/true
 *   logged  N times `/bin/sh -c 'echo step I'` with JOBS in flight, each child's stdout
 *           opened onto logs/sI.log (the folder must exist) in the child, as a runner
 *           would. dash's builtin echo is cheaper than /bin/echo, which loads locale
 *           files (~10% more CPU per step here), so this is the least a step costs.
 * Exits 0 when every child exited 0, 1 otherwise, 2 on bad usage or spawn failure.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static int failures;

static pid_t spawn_step(long i, int logged) {
  char script[64], path[64];
  snprintf(script, sizeof script, "echo step %ld", i);
  char *true_argv[] = {"true", NULL};
  char *echo_argv[] = {"sh", "-c", script, NULL};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (logged) {
    snprintf(path, sizeof path, "logs/s%ld.log", i);
    posix_spawn_file_actions_addopen(&actions, 1, path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  }
  pid_t pid;
  int rc = posix_spawn(&pid, logged ? "/bin/sh" : "/bin/true", &actions, NULL,
                       logged ? echo_argv : true_argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    fprintf(stderr, "floor: posix_spawn: %s\n", strerror(rc));
    exit(2);
  }
  return pid;
}

static void reap_one(void) {
  int status;
  while (waitpid(-1, &status, 0) < 0) {
    if (errno != EINTR) {
      fprintf(stderr, "floor: waitpid: %s\n", strerror(errno));
      exit(2);
    }
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) failures++;
}

/* Runs steps first..last with at most `jobs` children in flight. */
static void run_pool(long first, long last, long jobs, int logged) {
  long running = 0;
  for (long i = first; i <= last; i++) {
    if (running == jobs) {
      reap_one();
      running--;
    }
    spawn_step(i, logged);
    running++;
  }
  while (running-- > 0) reap_one();
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: floor wide|chain|fanout|logged N [JOBS]\n");
    return 2;
  }
  const char *mode = argv[1];
  long n = strtol(argv[2], NULL, 10);
  long jobs = argc > 3 ? strtol(argv[3], NULL, 10) : 2;
  if (n < 1 || jobs < 1) {
    fprintf(stderr, "floor: N and JOBS must be positive\n");
    return 2;
  }
  if (strcmp(mode, "wide") == 0) {
    run_pool(1, n, jobs, 0);
  } else if (strcmp(mode, "chain") == 0) {
    run_pool(1, n, 1, 0);
  } else if (strcmp(mode, "fanout") == 0) {
    run_pool(0, 0, 1, 0);
    run_pool(1, n, jobs, 0);
    run_pool(0, 0, 1, 0);
  } else if (strcmp(mode, "logged") == 0) {
    run_pool(1, n, jobs, 1);
  } else {
    fprintf(stderr, "floor: unknown workload '%s'\n", mode);
    return 2;
  }
  return failures ? 1 : 0;
}
