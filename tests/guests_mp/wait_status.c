/* waitpid of specific pids, WNOHANG, waitid, and the status macros for exits (0..256) and deaths by signal. */
#define _GNU_SOURCE
#include "mp.h"

static pid_t spawn_exit(int code) {
  pid_t pid = mp_fork();
  if (pid == 0) _exit(code);
  return pid;
}

static pid_t spawn_signal(int sig) {
  pid_t pid = mp_fork();
  if (pid == 0) {
    signal(sig, SIG_DFL);
    kill(getpid(), sig);
    _exit(77); /* not reached */
  }
  return pid;
}

static void show(const char *label, pid_t expected, pid_t r, int status) {
  say("%s: returned the pid %s, WIFEXITED %d, WEXITSTATUS %d, WIFSIGNALED %d, WTERMSIG %s\n",
      label, yes_no(r == expected), WIFEXITED(status) != 0,
      WIFEXITED(status) ? WEXITSTATUS(status) : -1, WIFSIGNALED(status) != 0,
      WIFSIGNALED(status) ? signal_name(WTERMSIG(status)) : "-");
}

int main(void) {
  mp_watchdog();
  int hold[2];
  make_pipe(hold);
  pid_t held = mp_fork();
  if (held == 0) {
    close(hold[1]);
    _exit(await_byte(hold[0]) ? 42 : 43);
  }
  close(hold[0]);

  pid_t exits3 = spawn_exit(3);
  pid_t exits255 = spawn_exit(255);
  pid_t exits256 = spawn_exit(256);
  pid_t by_usr1 = spawn_signal(SIGUSR1);
  pid_t by_kill = spawn_signal(SIGKILL);
  pid_t by_term = spawn_signal(SIGTERM);

  int status = 0;
  pid_t r = wait_for(held, &status, WNOHANG);
  say("WNOHANG on a child blocked in read: %d\n", (int)r);

  /* Reaped out of creation order, each by its own pid. */
  r = wait_for(by_usr1, &status, 0);
  show("killed by SIGUSR1", by_usr1, r, status);
  r = wait_for(exits255, &status, 0);
  show("exit(255)", exits255, r, status);
  r = wait_for(by_term, &status, 0);
  show("killed by SIGTERM", by_term, r, status);
  r = wait_for(exits3, &status, 0);
  show("exit(3)", exits3, r, status);
  r = wait_for(exits256, &status, 0);
  show("exit(256)", exits256, r, status);
  r = wait_for(by_kill, &status, 0);
  show("killed by SIGKILL", by_kill, r, status);

  r = wait_for(held, &status, WNOHANG);
  say("WNOHANG again while still blocked: %d\n", (int)r);
  send_byte(hold[1]);
  r = wait_for(held, &status, 0);
  show("released child", held, r, status);

  /* waitid on a specific child, leaving it waitable with WNOWAIT first. */
  pid_t by_waitid = spawn_exit(5);
  siginfo_t info;
  memset(&info, 0, sizeof info);
  int w = waitid(P_PID, (id_t)by_waitid, &info, WEXITED | WNOWAIT);
  say("waitid WNOWAIT: %d, si_pid matches %s, CLD_EXITED %s, si_status %d\n", w,
      yes_no(info.si_pid == by_waitid), yes_no(info.si_code == CLD_EXITED), info.si_status);
  memset(&info, 0, sizeof info);
  w = waitid(P_ALL, 0, &info, WEXITED);
  say("waitid P_ALL: %d, si_pid matches %s, si_signo SIGCHLD %s, si_status %d\n", w,
      yes_no(info.si_pid == by_waitid), yes_no(info.si_signo == SIGCHLD), info.si_status);

  errno = 0;
  r = wait_for(held, &status, 0);
  say("waitpid of an already reaped child: %d %s\n", (int)r, errno_name(errno));
  errno = 0;
  r = wait_for(getpid(), &status, 0);
  say("waitpid of itself: %d %s\n", (int)r, errno_name(errno));
  errno = 0;
  r = wait_for(-1, &status, WNOHANG);
  say("WNOHANG with no children: %d %s\n", (int)r, errno_name(errno));
  return 0;
}
