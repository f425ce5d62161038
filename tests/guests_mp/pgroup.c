/* Process groups: setpgid/getpgid from both sides of a fork, and kill(-pgid) reaching every member but not the parent. */
#define _GNU_SOURCE
#include "mp.h"

static volatile sig_atomic_t parent_hits;

static void on_usr1(int sig) {
  (void)sig;
  parent_hits++;
}

int main(void) {
  mp_watchdog();
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_usr1;
  sigaction(SIGUSR1, &sa, NULL);
  pid_t own_group = getpgrp();
  say("getpgid(0) == getpgrp() %s\n", yes_no(getpgid(0) == own_group));

  /* A child that stays in the parent's group, as every child starts. */
  pid_t plain = mp_fork();
  if (plain == 0) _exit(getpgrp() == own_group ? 0 : 1);
  say("a child starts in its parent's group: %s\n", reap(plain));

  int ready[2];
  make_pipe(ready);
  /* Leader: its own group. Both sides call setpgid, as shells do, so neither order races. */
  pid_t leader = mp_fork();
  if (leader == 0) {
    signal(SIGUSR1, SIG_DFL);
    if (setpgid(0, 0) < 0) fail("setpgid(0, 0)");
    send_byte(ready[1]);
    for (;;) pause();
  }
  if (setpgid(leader, leader) < 0 && errno != EACCES) fail("setpgid(leader, leader)");
  pid_t member = mp_fork();
  if (member == 0) {
    signal(SIGUSR1, SIG_DFL);
    if (setpgid(0, leader) < 0) fail("setpgid(0, leader)");
    send_byte(ready[1]);
    for (;;) pause();
  }
  if (setpgid(member, leader) < 0 && errno != EACCES) fail("setpgid(member, leader)");
  await_byte(ready[0]);
  await_byte(ready[0]);

  say("getpgid(leader) == leader %s\n", yes_no(getpgid(leader) == leader));
  say("getpgid(member) == leader %s\n", yes_no(getpgid(member) == leader));
  say("parent's group unchanged %s\n", yes_no(getpgrp() == own_group && own_group != leader));

  say("kill(-leader, SIGUSR1): %d\n", kill(-leader, SIGUSR1));
  say("leader %s\n", reap(leader));
  say("member %s\n", reap(member));
  say("parent's handler ran %d time(s)\n", (int)parent_hits);

  errno = 0;
  int r = kill(-leader, 0);
  say("kill of the emptied group: %d %s\n", r, errno_name(errno));
  errno = 0;
  r = setpgid(leader, leader);
  say("setpgid of a reaped child: %d %s\n", r, errno_name(errno));
  errno = 0;
  pid_t g = getpgid(leader);
  say("getpgid of a reaped child: %d %s\n", (int)g, errno_name(errno));
  return 0;
}
