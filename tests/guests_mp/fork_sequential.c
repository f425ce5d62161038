/* 100 children one after another (fork, _exit, waitpid): every status is the child's own, and no child's writes reach the parent's memory. */
#define _GNU_SOURCE
#include "mp.h"

#define CHILDREN 100

static int shared_looking[CHILDREN];

int main(void) {
  mp_watchdog();
  pid_t self = getpid();
  int matched = 0, wrong_ppid = 0;
  long sum = 0;
  for (int i = 0; i < CHILDREN; i++) {
    pid_t child = mp_fork();
    if (child == 0) {
      /* Writes land in the child's copy only. */
      for (int k = 0; k < CHILDREN; k++) shared_looking[k] = -1;
      _exit(getppid() == self ? (i * 7) % 251 : 255);
    }
    int status;
    pid_t r = wait_for(child, &status, 0);
    if (r != child || !WIFEXITED(status)) continue;
    if (WEXITSTATUS(status) == 255) wrong_ppid++;
    if (WEXITSTATUS(status) == (i * 7) % 251) matched++;
    sum += WEXITSTATUS(status);
    shared_looking[i] = i;
  }
  int intact = 1;
  for (int k = 0; k < CHILDREN; k++) intact &= shared_looking[k] == k;
  say("children %d, statuses matched %d, sum of statuses %ld, wrong parent %d\n", CHILDREN, matched,
      sum, wrong_ppid);
  say("parent memory untouched by children %s\n", yes_no(intact));
  errno = 0;
  int status;
  pid_t r = wait(&status);
  say("nothing left to wait for: %d %s\n", (int)r, errno_name(errno));
  return 0;
}
