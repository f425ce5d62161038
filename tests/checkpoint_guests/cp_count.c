// A CPU-bound guest for checkpoint tests: prints a running hash every STEP iterations, so a
// restored run's output can be compared with an uninterrupted one. argv[1]: lines (default 40).
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv) {
  int lines = argc > 1 ? atoi(argv[1]) : 40;
  unsigned long long h = 1469598103934665603ULL;
  double x = 1.0;
  for (int line = 0; line < lines; line++) {
    for (int k = 0; k < 200000; k++) {
      h = (h ^ (unsigned)k) * 1099511628211ULL;
      x = x * 1.0000001 + 1e-9;
    }
    printf("%d %016llx %.9f pid=%d\n", line, h, x, getpid());
    fflush(stdout);
  }
  return (int)(h & 0x3f);
}
