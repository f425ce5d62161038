/* setsid in a child makes a new session and group led by it; a second setsid fails EPERM; getsid across processes; grandchildren inherit the session. */
#define _GNU_SOURCE
#include "mp.h"

int main(void) {
  mp_watchdog();
  pid_t own_session = getsid(0);
  say("getsid(0) == getsid(getpid()) %s\n", yes_no(own_session == getsid(getpid())));
  int ready[2], go[2];
  make_pipe(ready);
  make_pipe(go);
  pid_t child = mp_fork();
  if (child == 0) {
    close(ready[0]);
    close(go[1]);
    say("child: starts in the parent's session %s\n", yes_no(getsid(0) == own_session));
    pid_t s = setsid();
    say("child: setsid returns its own pid %s\n", yes_no(s == getpid()));
    say("child: getsid(0) == pid %s, getpgrp() == pid %s\n", yes_no(getsid(0) == getpid()),
        yes_no(getpgrp() == getpid()));
    errno = 0;
    pid_t again = setsid();
    say("child: setsid again: %d %s\n", (int)again, errno_name(errno));
    say("child: getsid(parent) is the old session %s\n", yes_no(getsid(getppid()) == own_session));
    pid_t grandchild = mp_fork();
    if (grandchild == 0) {
      say("grandchild: inherits the child's session %s and group %s\n",
          yes_no(getsid(0) == getppid()), yes_no(getpgrp() == getppid()));
      pid_t t = setsid();
      say("grandchild: setsid (not a group leader) succeeds %s\n", yes_no(t == getpid()));
      _exit(0);
    }
    say("child: grandchild %s\n", reap(grandchild));
    send_byte(ready[1]);
    await_byte(go[0]);
    _exit(4);
  }
  close(ready[1]);
  close(go[0]);
  await_byte(ready[0]);
  say("parent: getsid(child) == child %s\n", yes_no(getsid(child) == child));
  say("parent: getpgid(child) == child %s\n", yes_no(getpgid(child) == child));
  say("parent: own session unchanged %s\n", yes_no(getsid(0) == own_session));
  close(go[1]);
  say("parent: child %s\n", reap(child));
  errno = 0;
  pid_t gone = getsid(child);
  say("parent: getsid of a reaped child: %d %s\n", (int)gone, errno_name(errno));
  return 0;
}
