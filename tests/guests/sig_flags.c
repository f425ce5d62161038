/* SA_RESETHAND restores the default after one delivery; SA_NODEFER allows nesting; sa_mask blocks during handlers. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

static volatile int depth, max_depth, calls, usr2_blocked_inside;

static void nested(int sig) {
  calls++;
  depth++;
  if (depth > max_depth) max_depth = depth;
  if (calls < 3) raise(sig);
  depth--;
}

static void check_mask(int sig) {
  (void)sig;
  sigset_t cur;
  sigprocmask(SIG_BLOCK, NULL, &cur);
  usr2_blocked_inside = sigismember(&cur, SIGUSR2) * 10 + sigismember(&cur, SIGHUP);
  calls++;
}

int main(void) {
  struct sigaction sa, old;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = nested;
  sa.sa_flags = SA_NODEFER;
  sigaction(SIGUSR1, &sa, NULL);
  raise(SIGUSR1);
  printf("nodefer: calls %d max depth %d\n", calls, max_depth);

  calls = max_depth = depth = 0;
  sa.sa_flags = 0;
  sigaction(SIGUSR1, &sa, NULL);
  raise(SIGUSR1);
  printf("deferred: calls %d max depth %d\n", calls, max_depth);

  calls = 0;
  sa.sa_handler = check_mask;
  sa.sa_flags = SA_RESETHAND;
  sigemptyset(&sa.sa_mask);
  sigaddset(&sa.sa_mask, SIGUSR2);
  sigaction(SIGHUP, &sa, NULL);
  raise(SIGHUP);
  sigaction(SIGHUP, NULL, &old);
  printf("resethand: calls %d now default %d mask inside %d\n", calls, old.sa_handler == SIG_DFL,
         usr2_blocked_inside);
  sigset_t cur;
  sigprocmask(SIG_BLOCK, NULL, &cur);
  printf("mask restored %d\n", sigismember(&cur, SIGUSR2) + sigismember(&cur, SIGHUP));
  fflush(stdout);
  raise(SIGHUP); /* default action now: terminate */
  printf("not reached\n");
  return 0;
}
