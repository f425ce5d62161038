/* Three children released together exit in a known order set by sleeps; wait(-1) collects them in that order; WNOHANG is 0 while they run. */
#define _GNU_SOURCE
#include "mp.h"

int main(void) {
  mp_watchdog();
  /* Released at once, then staggered by 300 ms: the exit order is 1, 2, 0. */
  static const long delay_ms[3] = {900, 300, 600};
  int go[2];
  make_pipe(go);
  pid_t pids[3];
  for (int i = 0; i < 3; i++) {
    pids[i] = mp_fork();
    if (pids[i] == 0) {
      close(go[1]);
      await_byte(go[0]); /* end of file when the parent closes its end */
      sleep_ms(delay_ms[i]);
      _exit(10 + i);
    }
  }
  close(go[0]);
  int status = -1;
  pid_t r = wait_for(-1, &status, WNOHANG);
  say("WNOHANG while all run: %d\n", (int)r);
  r = wait_for(pids[1], &status, WNOHANG);
  say("WNOHANG on a specific running child: %d\n", (int)r);
  close(go[1]);
  for (int k = 0; k < 3; k++) {
    r = wait(&status);
    int index = -1;
    for (int i = 0; i < 3; i++)
      if (pids[i] == r) index = i;
    say("exit #%d: child %d, WIFEXITED %d, WEXITSTATUS %d, WIFSIGNALED %d\n", k, index,
        WIFEXITED(status) != 0, WEXITSTATUS(status), WIFSIGNALED(status) != 0);
  }
  errno = 0;
  r = wait(&status);
  say("wait with no children left: %d %s\n", (int)r, errno_name(errno));
  return 0;
}
