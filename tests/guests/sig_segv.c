/* SIGSEGV from bad reads, writes and jumps, caught with SA_SIGINFO and recovered with sigsetjmp/siglongjmp. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static sigjmp_buf env;
static volatile sig_atomic_t hits;
static volatile uintptr_t fault_addr;
static volatile int fault_code;

static void on_segv(int sig, siginfo_t *info, void *ctx) {
  (void)ctx;
  hits++;
  fault_addr = (uintptr_t)info->si_addr;
  fault_code = info->si_code;
  if (sig == SIGSEGV) siglongjmp(env, 1);
}

static const char rodata[] = "constant";

int main(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_segv;
  sa.sa_flags = SA_SIGINFO;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGSEGV, &sa, NULL);

  volatile uintptr_t targets[] = {0, 8, 0x1000, 0xdead0000, (uintptr_t)1 << 46, (uintptr_t)-4096};
  for (volatile unsigned i = 0; i < sizeof targets / sizeof targets[0]; i++) {
    if (sigsetjmp(env, 1) == 0) {
      volatile int *p = (volatile int *)targets[i];
      int v = *p;
      printf("read %u did not fault (%d)\n", i, v);
    } else {
      printf("read %u faulted: addr match %d code maperr %d\n", i, fault_addr == targets[i],
             fault_code == SEGV_MAPERR);
    }
  }
  for (volatile unsigned i = 0; i < 3; i++) {
    if (sigsetjmp(env, 1) == 0) {
      *(volatile int *)(targets[i] + 16) = 5;
      printf("write %u did not fault\n", i);
    } else {
      printf("write %u faulted: addr match %d\n", i, fault_addr == targets[i] + 16);
    }
  }
  if (sigsetjmp(env, 1) == 0) {
    *(volatile char *)rodata = 'C';
    printf("rodata write did not fault\n");
  } else {
    printf("rodata write faulted: addr match %d code accerr %d\n", fault_addr == (uintptr_t)rodata,
           fault_code == SEGV_ACCERR);
  }
  if (sigsetjmp(env, 1) == 0) {
    void (*fn)(void) = (void (*)(void))(uintptr_t)0x10;
    fn();
    printf("call did not fault\n");
  } else {
    printf("call to unmapped faulted: addr match %d\n", fault_addr == 0x10);
  }
  /* The signal mask is restored by siglongjmp (savesigs=1): SIGSEGV must not stay blocked. */
  sigset_t cur;
  sigprocmask(SIG_BLOCK, NULL, &cur);
  printf("segv blocked after recovery %d hits %d\n", sigismember(&cur, SIGSEGV), (int)hits);
  return 11;
}
