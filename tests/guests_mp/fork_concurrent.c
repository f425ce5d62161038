/* 20 children alive at once (all forked first, released together, then reaped): distinct pids, every pid reaped once, sum of exit codes. */
#define _GNU_SOURCE
#include "mp.h"

#define CHILDREN 20

int main(void) {
  mp_watchdog();
  int go[2];
  make_pipe(go);
  pid_t pids[CHILDREN];
  for (int i = 0; i < CHILDREN; i++) {
    pids[i] = mp_fork();
    if (pids[i] == 0) {
      close(go[1]);
      await_byte(go[0]);
      _exit(i + 1);
    }
  }
  close(go[0]);
  int distinct = 1;
  for (int i = 0; i < CHILDREN; i++)
    for (int j = 0; j < i; j++) distinct &= pids[i] != pids[j];
  int status;
  pid_t r = wait_for(-1, &status, WNOHANG);
  say("forked %d, distinct pids %s, WNOHANG while all wait: %d\n", CHILDREN, yes_no(distinct), (int)r);
  close(go[1]); /* every child sees end of file at once */
  int reaped[CHILDREN] = {0};
  long sum = 0;
  int strangers = 0, exited = 0;
  for (int k = 0; k < CHILDREN; k++) {
    r = wait(&status);
    int index = -1;
    for (int i = 0; i < CHILDREN; i++)
      if (pids[i] == r) index = i;
    if (index < 0) {
      strangers++;
      continue;
    }
    reaped[index]++;
    if (WIFEXITED(status)) {
      exited++;
      sum += WEXITSTATUS(status);
      if (WEXITSTATUS(status) != index + 1) strangers++;
    }
  }
  int once = 1;
  for (int i = 0; i < CHILDREN; i++) once &= reaped[i] == 1;
  say("reaped each child once %s, exited normally %d, sum of exit codes %ld (expected %d), mismatches %d\n",
      yes_no(once), exited, sum, CHILDREN * (CHILDREN + 1) / 2, strangers);
  errno = 0;
  r = wait(&status);
  say("then: %d %s\n", (int)r, errno_name(errno));
  return 0;
}
