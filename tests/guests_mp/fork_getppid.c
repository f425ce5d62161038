/* Right after fork: the child's getppid() is the parent's getpid(), fork returned 0 in the child and the child's pid in the parent, and a grandchild's parent is the child. */
#define _GNU_SOURCE
#include "mp.h"

struct report {
  pid_t pid, ppid, grandchild_ppid, grandchild_pid_seen;
  pid_t fork_result;
};

int main(void) {
  mp_watchdog();
  pid_t parent = getpid();
  int p[2];
  make_pipe(p);
  pid_t child = mp_fork();
  if (child == 0) {
    struct report rep;
    rep.ppid = getppid(); /* first thing after fork */
    rep.fork_result = child;
    rep.pid = getpid();
    int q[2];
    make_pipe(q);
    pid_t grandchild = mp_fork();
    if (grandchild == 0) {
      pid_t pp = getppid();
      write_all(q[1], &pp, sizeof pp);
      _exit(0);
    }
    read_full(q[0], &rep.grandchild_ppid, sizeof rep.grandchild_ppid);
    rep.grandchild_pid_seen = grandchild;
    reap(grandchild);
    write_all(p[1], &rep, sizeof rep);
    _exit(0);
  }
  struct report rep;
  size_t n = read_full(p[0], &rep, sizeof rep);
  say("report received %s\n", yes_no(n == sizeof rep));
  say("child: fork returned 0 %s\n", yes_no(rep.fork_result == 0));
  say("child: getppid() == parent's getpid() %s\n", yes_no(rep.ppid == parent));
  say("child: getpid() == fork's result in the parent %s\n", yes_no(rep.pid == child));
  say("child: its pid differs from the parent's %s\n", yes_no(rep.pid != parent));
  say("grandchild: getppid() == the child's pid %s\n", yes_no(rep.grandchild_ppid == rep.pid));
  say("grandchild: its pid is new %s\n",
      yes_no(rep.grandchild_pid_seen != rep.pid && rep.grandchild_pid_seen != parent));
  int status;
  pid_t r = wait_for(-1, &status, 0);
  say("wait(-1) returned the child %s: %s\n", yes_no(r == child), status_text(status));
  say("parent's pid unchanged by fork %s\n", yes_no(getpid() == parent));
  return 0;
}
