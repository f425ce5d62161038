/* Blocked signals stay pending; on unblock they are delivered in Linux's order (lowest standard first, RT queued). */
#include <signal.h>
#include <stdio.h>
#include <string.h>

static int order[64];
static volatile int n_order;

static void record(int sig) { order[n_order++] = sig; }

int main(void) {
  int sigs[] = {SIGUSR2, SIGTERM, SIGUSR1, SIGHUP, SIGALRM, SIGINT};
  const int n = sizeof sigs / sizeof sigs[0];
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = record;
  sigfillset(&sa.sa_mask);
  for (int i = 0; i < n; i++) sigaction(sigs[i], &sa, NULL);
  sigaction(SIGRTMIN, &sa, NULL);
  sigaction(SIGRTMIN + 1, &sa, NULL);
  sigset_t block, old, pending;
  sigemptyset(&block);
  for (int i = 0; i < n; i++) sigaddset(&block, sigs[i]);
  sigaddset(&block, SIGRTMIN);
  sigaddset(&block, SIGRTMIN + 1);
  sigprocmask(SIG_BLOCK, &block, &old);
  for (int i = 0; i < n; i++) raise(sigs[i]);
  raise(SIGUSR1); /* standard signals do not queue twice */
  raise(SIGRTMIN + 1);
  raise(SIGRTMIN);
  raise(SIGRTMIN + 1); /* realtime signals queue */
  printf("delivered while blocked %d\n", n_order);
  sigpending(&pending);
  printf("pending:");
  for (int s = 1; s < 64; s++)
    if (sigismember(&pending, s)) printf(" %d", s >= SIGRTMIN ? 100 + s - SIGRTMIN : s);
  printf("\n");
  sigprocmask(SIG_SETMASK, &old, NULL);
  printf("order:");
  for (int i = 0; i < n_order; i++) printf(" %d",
      order[i] >= SIGRTMIN ? 100 + order[i] - SIGRTMIN : order[i]);
  printf("\n");
  sigpending(&pending);
  printf("pending after %d\n", sigismember(&pending, SIGUSR1));
  /* A signal unblocked by sigsuspend's mask is delivered inside it. */
  sigprocmask(SIG_BLOCK, &block, NULL);
  n_order = 0;
  raise(SIGHUP);
  sigset_t wait_mask;
  sigfillset(&wait_mask);
  sigdelset(&wait_mask, SIGHUP);
  int r = sigsuspend(&wait_mask);
  printf("sigsuspend %d delivered %d first %d\n", r, n_order, order[0]);
  return 0;
}
