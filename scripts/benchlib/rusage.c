/* rusage: runs a command and reports its wall time and peak memory.
 *
 *   rusage OUTFILE COMMAND [ARG]...
 *
 * Forks, execs COMMAND (PATH search), waits with wait4 and appends one line to OUTFILE:
 *   <wall microseconds> <ru_maxrss KiB> <exit status> <user+system CPU microseconds>
 * The exit status is the command's exit code, or 128+N when signal N killed it (127 when
 * it could not be executed). ru_maxrss from wait4 is the largest resident set of the
 * command and of the descendants it waited for (not their sum); the CPU time is theirs
 * summed. The command's stdin,
 * stdout and stderr are inherited; rusage itself exits with the command's status.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: rusage OUTFILE COMMAND [ARG]...\n");
    return 2;
  }
  FILE *out = fopen(argv[1], "a");
  if (!out) {
    fprintf(stderr, "rusage: %s: %s\n", argv[1], strerror(errno));
    return 2;
  }
  long long start = now_us();
  pid_t pid = fork();
  if (pid < 0) {
    fprintf(stderr, "rusage: fork: %s\n", strerror(errno));
    return 2;
  }
  if (pid == 0) {
    execvp(argv[2], argv + 2);
    fprintf(stderr, "rusage: %s: %s\n", argv[2], strerror(errno));
    _exit(127);
  }
  int status = 0;
  struct rusage ru;
  memset(&ru, 0, sizeof ru);
  while (wait4(pid, &status, 0, &ru) < 0) {
    if (errno != EINTR) {
      fprintf(stderr, "rusage: wait4: %s\n", strerror(errno));
      return 2;
    }
  }
  long long wall = now_us() - start;
  int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  long long cpu = (long long)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000LL +
                 ru.ru_utime.tv_usec + ru.ru_stime.tv_usec;
  fprintf(out, "%lld %ld %d %lld\n", wall, ru.ru_maxrss, code, cpu);
  fclose(out);
  return code;
}
