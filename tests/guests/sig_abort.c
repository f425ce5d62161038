/* abort() kills the process with SIGABRT (status 134) even though a SIGABRT handler runs and returns first. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static void on_abort(int sig) {
  static const char msg[] = "SIGABRT handler ran; returning lets abort() kill the process\n";
  (void)sig;
  write(1, msg, sizeof msg - 1);
}

int main(void) {
  printf("before abort\n");
  fflush(stdout);
  signal(SIGABRT, on_abort);
  abort();
}
