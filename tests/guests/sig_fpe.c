/* SIGFPE from integer divide by zero and INT_MIN/-1 (div and idiv, 32 and 64 bit), with si_code, recovered. */
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static sigjmp_buf env;
static volatile int last_code, last_signo;

static void on_fpe(int sig, siginfo_t *info, void *ctx) {
  (void)ctx;
  last_signo = sig;
  last_code = info->si_code;
  siglongjmp(env, 1);
}

static volatile int64_t zero64 = 0, minus_one64 = -1, min64 = INT64_MIN;
static volatile int32_t zero32 = 0, minus_one32 = -1, min32 = INT32_MIN;
static volatile uint64_t uzero = 0;

int main(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_fpe;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGFPE, &sa, NULL);
  for (volatile int which = 0; which < 6; which++) {
    if (sigsetjmp(env, 1) == 0) {
      long long r = 0;
      switch (which) {
        case 0: r = 7 / zero32; break;
        case 1: r = (long long)(100 / zero64); break;
        case 2: r = (long long)(5ULL / uzero); break;
        case 3: r = min32 / minus_one32; break;
        case 4: r = (long long)(min64 / minus_one64); break;
        case 5: r = (long long)(min64 % minus_one64); break;
      }
      printf("case %d: no fault (%lld)\n", which, r);
    } else {
      printf("case %d: SIGFPE signo ok %d code intdiv %d\n", which, last_signo == SIGFPE,
             last_code == FPE_INTDIV);
    }
  }
  /* Floating-point division by zero does not trap with default masks. */
  volatile double dz = 0.0;
  printf("float div by zero %g\n", 1.0 / dz);
  return 8;
}
