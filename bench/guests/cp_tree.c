/* Checkpoint benchmark guest: a tree of N processes (the root and N-1 forked children), each
   touching MIB MiB of its own memory, printing "ready" once touched, then computing over a small
   array until SECONDS have passed on CLOCK_MONOTONIC (so a restored tree ends soon after its
   restore). Usage: cp_tree N MIB SECONDS. The root waits for every child and exits 0. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static void work(long mib, double seconds) {
  size_t size = (size_t)mib << 20;
  unsigned char *mem = malloc(size);
  if (!mem) _exit(2);
  for (size_t i = 0; i < size; i += 4096) mem[i] = (unsigned char)(i >> 12);
  printf("ready %d\n", getpid());
  fflush(stdout);
  double until = now_s() + seconds;
  unsigned h = 0;
  while (now_s() < until) {
    for (int k = 0; k < 100000; k++) h = h * 31 + mem[(k * 4096) % size];
  }
  if (h == 12345) puts("");
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 8;
  long mib = argc > 2 ? atol(argv[2]) : 32;
  double seconds = argc > 3 ? atof(argv[3]) : 30;
  for (int i = 1; i < n; i++) {
    pid_t pid = fork();
    if (pid == 0) {
      work(mib, seconds);
      _exit(0);
    }
  }
  work(mib, seconds);
  while (wait(NULL) > 0) {}
  return 0;
}
