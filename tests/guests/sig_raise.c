/* raise() and kill(getpid()) deliver to handlers synchronously, with SA_SIGINFO fields si_signo/si_code/si_pid. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t count[65];
static volatile int last_code, last_signo, pid_matches;

static void simple(int sig) { count[sig]++; }

static void with_info(int sig, siginfo_t *info, void *ctx) {
  (void)ctx;
  count[sig]++;
  last_signo = info->si_signo;
  last_code = info->si_code;
  pid_matches = info->si_pid == getpid();
}

int main(void) {
  signal(SIGUSR1, simple);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = with_info;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGUSR2, &sa, NULL);
  sigaction(SIGRTMIN, &sa, NULL);
  int r = raise(SIGUSR1);
  printf("raise %d count %d\n", r, (int)count[SIGUSR1]);
  r = kill(getpid(), SIGUSR1);
  printf("kill %d count %d\n", r, (int)count[SIGUSR1]);
  r = raise(SIGUSR2);
  printf("raise usr2 %d count %d signo %d code tkill %d pid %d\n", r, (int)count[SIGUSR2],
         last_signo == SIGUSR2, last_code == SI_TKILL, pid_matches);
  r = kill(getpid(), SIGUSR2);
  printf("kill usr2 %d count %d code user %d pid %d\n", r, (int)count[SIGUSR2],
      last_code == SI_USER,
         pid_matches);
  r = raise(SIGRTMIN);
  printf("realtime %d count %d\n", r, (int)count[SIGRTMIN]);
  printf("kill sig 0 %d\n", kill(getpid(), 0));
  signal(SIGUSR1, SIG_IGN);
  r = raise(SIGUSR1);
  printf("ignored %d count %d\n", r, (int)count[SIGUSR1]);
  struct sigaction old;
  sigaction(SIGUSR2, NULL, &old);
  printf("query siginfo flag %d handler same %d\n", (old.sa_flags & SA_SIGINFO) != 0,
         old.sa_sigaction == with_info);
  signal(SIGCHLD, SIG_DFL);
  printf("default-ignored SIGCHLD %d", raise(SIGCHLD));
  printf(" SIGWINCH %d\n", raise(SIGWINCH));
  printf("invalid signal %d\n", sigaction(SIGKILL, &sa, NULL));
  return 0;
}
