/* PROT_NONE and read-only pages fault with SEGV_ACCERR at the exact address; mprotect then makes them usable. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static sigjmp_buf env;
static volatile uintptr_t fault_addr;
static volatile int fault_code, faults;

static void on_segv(int sig, siginfo_t *info, void *ctx) {
  (void)sig;
  (void)ctx;
  faults++;
  fault_addr = (uintptr_t)info->si_addr;
  fault_code = info->si_code;
  siglongjmp(env, 1);
}

static const char *code_name(int code) {
  return code == SEGV_ACCERR ? "SEGV_ACCERR" : code == SEGV_MAPERR ? "SEGV_MAPERR" : "other";
}

int main(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_segv;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGSEGV, &sa, NULL);
  long page = sysconf(_SC_PAGESIZE);
  volatile unsigned char *p = mmap(NULL, 3 * (size_t)page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
      -1, 0);
  if ((void *)p == MAP_FAILED) return 2;
  if (sigsetjmp(env, 1) == 0) {
    printf("read %d\n", p[100]);
  } else {
    printf("PROT_NONE read: addr ok %d %s\n", fault_addr == (uintptr_t)(p + 100),
        code_name(fault_code));
  }
  mprotect((void *)p, (size_t)page, PROT_READ);
  printf("after PROT_READ read %d\n", p[100]);
  if (sigsetjmp(env, 1) == 0) {
    p[200] = 1;
    printf("write went through\n");
  } else {
    printf("read-only write: addr ok %d %s\n", fault_addr == (uintptr_t)(p + 200),
        code_name(fault_code));
  }
  mprotect((void *)p, (size_t)page, PROT_READ | PROT_WRITE);
  p[200] = 9;
  printf("after PROT_WRITE value %d\n", p[200]);
  /* An access straddling into the PROT_NONE second page faults at that page. */
  if (sigsetjmp(env, 1) == 0) {
    volatile uint64_t *q = (volatile uint64_t *)(p + page - 4);
    printf("straddle %llu\n", (unsigned long long)*q);
  } else {
    printf("straddling read: fault in second page %d %s\n",
           fault_addr >= (uintptr_t)(p + page - 4) && fault_addr <= (uintptr_t)(p + page),
           code_name(fault_code));
  }
  munmap((void *)(p + page), (size_t)page);
  if (sigsetjmp(env, 1) == 0) {
    printf("unmapped %d\n", p[page + 8]);
  } else {
    printf("unmapped read: addr ok %d %s\n", fault_addr == (uintptr_t)(p + page + 8),
        code_name(fault_code));
  }
  printf("faults %d\n", faults);
  return 0;
}
