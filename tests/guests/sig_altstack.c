/* sigaltstack: SA_ONSTACK handlers run on the alternate stack (SS_ONSTACK inside), others on the normal stack. */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *alt_base;
static size_t alt_size;
static volatile int on_alt, flags_inside;

static void handler(int sig) {
  (void)sig;
  char local;
  uintptr_t p = (uintptr_t)&local;
  on_alt = p >= (uintptr_t)alt_base && p < (uintptr_t)alt_base + alt_size;
  stack_t cur;
  sigaltstack(NULL, &cur);
  flags_inside = cur.ss_flags;
}

int main(void) {
  alt_size = 64 * 1024;
  alt_base = malloc(alt_size);
  stack_t ss = {.ss_sp = alt_base, .ss_size = alt_size, .ss_flags = 0};
  stack_t old;
  printf("sigaltstack %d\n", sigaltstack(&ss, &old));
  printf("old disabled %d\n", (old.ss_flags & SS_DISABLE) != 0);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = handler;
  sa.sa_flags = SA_ONSTACK;
  sigaction(SIGUSR1, &sa, NULL);
  sa.sa_flags = 0;
  sigaction(SIGUSR2, &sa, NULL);
  raise(SIGUSR1);
  printf("onstack handler on alt %d onstack flag %d\n", on_alt, (flags_inside & SS_ONSTACK) != 0);
  raise(SIGUSR2);
  printf("plain handler on alt %d onstack flag %d\n", on_alt, (flags_inside & SS_ONSTACK) != 0);
  stack_t now;
  sigaltstack(NULL, &now);
  printf("query same base %d size %zu flags %d\n", now.ss_sp == alt_base, now.ss_size,
      now.ss_flags);
  stack_t tiny = {.ss_sp = alt_base, .ss_size = 16, .ss_flags = 0};
  printf("too small rejected %d\n", sigaltstack(&tiny, NULL) == -1);
  stack_t off = {.ss_flags = SS_DISABLE};
  sigaltstack(&off, NULL);
  raise(SIGUSR1);
  printf("after disable on alt %d\n", on_alt);
  return 0;
}
