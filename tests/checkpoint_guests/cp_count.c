// A CPU-bound guest for checkpoint tests: prints a running hash every STEP iterations, so a
// restored run's output can be compared with an uninterrupted one. argv[1]: lines (default 40).
// Each line also spins (still CPU-bound) for at least 40 ms of wall time, so the tests' chances to
// checkpoint it do not depend on how fast the interpreter is; the spin does not touch the output.
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

int main(int argc, char **argv) {
  int lines = argc > 1 ? atoi(argv[1]) : 40;
  unsigned long long h = 1469598103934665603ULL;
  double x = 1.0;
  for (int line = 0; line < lines; line++) {
    for (int k = 0; k < 200000; k++) {
      h = (h ^ (unsigned)k) * 1099511628211ULL;
      x = x * 1.0000001 + 1e-9;
    }
    for (double start = now_ms(); now_ms() - start < 40;) {
    }
    printf("%d %016llx %.9f pid=%d\n", line, h, x, getpid());
    fflush(stdout);
  }
  return (int)(h & 0x3f);
}
