/* A grandchild whose parent exits is reparented (getppid changes) and keeps running; its exit is seen through a pipe reaching end of file. */
#define _GNU_SOURCE
#include "mp.h"

int main(void) {
  mp_watchdog();
  pid_t top = getpid();
  int done[2];
  make_pipe(done);
  pid_t middle = mp_fork();
  if (middle == 0) {
    int release[2];
    make_pipe(release);
    pid_t grandchild = mp_fork();
    if (grandchild == 0) {
      close(done[0]);
      close(release[0]);
      pid_t first_parent = getppid();
      say("grandchild: first parent is not the top %s\n", yes_no(first_parent != top));
      close(release[1]); /* the middle child may exit now */
      /* Up to 20 s for the middle child's exit to be noticed. */
      int reparented = 0;
      for (int i = 0; i < 2000 && !reparented; i++) {
        if (getppid() != first_parent) reparented = 1;
        else sleep_ms(10);
      }
      say("grandchild: %s\n", reparented ? "reparented" : "not reparented");
      say("grandchild: still running after its parent exited\n");
      _exit(0); /* closes done[1]: the top sees end of file */
    }
    close(release[1]);
    await_byte(release[0]); /* end of file once the grandchild has looked at its parent */
    _exit(5);
  }
  close(done[1]);
  char middle_status[64];
  snprintf(middle_status, sizeof middle_status, "%s", reap(middle));
  char c;
  size_t n = read_full(done[0], &c, 1);
  /* Printed only now, after the grandchild's lines, so the order never varies. */
  say("top: middle child %s\n", middle_status);
  say("top: the grandchild closed its end of the pipe (read %d)\n", (int)n);
  return 0;
}
