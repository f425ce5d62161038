/* fork + _exit + waitpid latency: N iterations, timed inside the guest (ns per iteration on stdout),
   after WARMUP untimed ones (a supervisor's pool of hosts fills during its first forks). */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int fork_exit_wait(long i) {
  pid_t pid = fork();
  if (pid < 0) {
    perror("fork");
    return 1;
  }
  if (pid == 0) _exit((int)(i & 0x7f));
  int status;
  if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != (i & 0x7f)) {
    fprintf(stderr, "child %ld: wrong wait result\n", i);
    return 1;
  }
  return 0;
}

static double now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e9 + t.tv_nsec;
}

int main(int argc, char **argv) {
  long n = argc > 1 ? atol(argv[1]) : 1000;
  long warmup = argc > 2 ? atol(argv[2]) : 0;
  for (long i = 0; i < warmup; i++) {
    if (fork_exit_wait(i)) return 1;
  }
  double start = now_ns();
  for (long i = 0; i < n; i++) {
    if (fork_exit_wait(i)) return 1;
  }
  double elapsed = now_ns() - start;
  printf("iterations=%ld ns_per_iteration=%.0f\n", n, elapsed / (double)n);
  return 0;
}
