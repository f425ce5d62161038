/* Order between a signal and pipe bytes: a signal sent before bytes are written is handled before the read that returns them, in every round, whether the reader waits in read or is about to. */
#include "mp.h"

#define ROUNDS 60

static volatile sig_atomic_t handled;

static void on_usr1(int sig) {
  (void)sig;
  handled++;
}

int main(void) {
  mp_watchdog();
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_usr1;
  sa.sa_flags = SA_RESTART;
  if (sigaction(SIGUSR1, &sa, NULL) < 0) fail("sigaction");
  int data[2], ready[2];
  make_pipe(data);
  make_pipe(ready);
  pid_t child = mp_fork();
  if (child == 0) {
    close(data[1]);
    close(ready[0]);
    int late = 0;
    for (int k = 0; k < ROUNDS; k++) {
      send_byte(ready[1]);
      char c;
      if (read(data[0], &c, 1) != 1) fail("read");
      if (handled != k + 1) late++;
    }
    say("child: %d rounds, %d signals handled, %d handled after their read\n", ROUNDS, (int)handled,
        late);
    _exit(0);
  }
  close(data[0]);
  close(ready[1]);
  for (int k = 0; k < ROUNDS; k++) {
    await_byte(ready[0]);
    if (kill(child, SIGUSR1) < 0) fail("kill");
    write_all(data[1], "x", 1);
  }
  say("parent: child %s\n", reap(child));
  return 0;
}
