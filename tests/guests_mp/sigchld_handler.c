/* A SIGCHLD handler (SA_SIGINFO) runs for an exiting and a killed child with the right siginfo; SIGCHLD ignored reaps children automatically. */
#define _GNU_SOURCE
#include "mp.h"

static volatile sig_atomic_t handled, code, child_status;
static volatile pid_t from_pid;

static void on_child(int sig, siginfo_t *info, void *context) {
  (void)sig;
  (void)context;
  handled++;
  code = info->si_code;
  child_status = info->si_status;
  from_pid = info->si_pid;
}

static const char *code_name(int c) {
  return c == CLD_EXITED ? "CLD_EXITED" : c == CLD_KILLED ? "CLD_KILLED" : c == CLD_DUMPED ? "CLD_DUMPED" : "other";
}

int main(void) {
  mp_watchdog();
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_child;
  sa.sa_flags = SA_SIGINFO | SA_RESTART;
  sigaction(SIGCHLD, &sa, NULL);
  sigset_t block, old;
  sigemptyset(&block);
  sigaddset(&block, SIGCHLD);
  sigprocmask(SIG_BLOCK, &block, &old);

  pid_t child = mp_fork();
  if (child == 0) _exit(7);
  while (!handled) sigsuspend(&old);
  say("exiting child: handler ran %d time(s), %s, si_status %d, si_pid is the child %s\n",
      (int)handled, code_name(code), (int)child_status, yes_no(from_pid == child));
  say("child %s\n", reap(child));

  handled = 0;
  int ready[2];
  make_pipe(ready);
  child = mp_fork();
  if (child == 0) {
    send_byte(ready[1]);
    for (;;) pause();
  }
  await_byte(ready[0]);
  kill(child, SIGKILL);
  while (!handled) sigsuspend(&old);
  say("killed child: handler ran %d time(s), %s, si_status is SIGKILL %s, si_pid is the child %s\n",
      (int)handled, code_name(code), yes_no(child_status == SIGKILL), yes_no(from_pid == child));
  say("child %s\n", reap(child));
  sigprocmask(SIG_SETMASK, &old, NULL);

  /* With SIGCHLD ignored, exiting children leave no zombie: wait blocks until all are gone, then ECHILD. */
  signal(SIGCHLD, SIG_IGN);
  for (int i = 0; i < 3; i++)
    if (mp_fork() == 0) _exit(i);
  int status;
  errno = 0;
  pid_t r = wait(&status);
  say("wait with SIGCHLD ignored: %d %s\n", (int)r, errno_name(errno));
  return 0;
}
