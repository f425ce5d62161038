/* The program break via the raw brk syscall: query, grow, write, shrink, regrow zeroed, refusal below the start. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static uintptr_t brk_call(uintptr_t addr) { return (uintptr_t)syscall(SYS_brk, addr); }

int main(void) {
  /* No stdio until the break is restored: libc's malloc also lives on the break. */
  int results[9];
  volatile unsigned char *p;
  uintptr_t start = brk_call(0);
  results[0] = start != 0;
  results[1] = brk_call(start + 100000) == start + 100000;
  p = (volatile unsigned char *)start;
  for (int i = 0; i < 100000; i += 97) p[i] = 0xab;
  p[99999] = 0xab;
  results[2] = p[0] == 0xab && p[99999] == 0xab;
  results[3] = brk_call(start + 5000) == start + 5000;
  results[4] = p[4947] == 0xab;
  results[5] = brk_call(start + 20000) == start + 20000;
  results[6] = p[12319] == 0;
  results[7] = brk_call(start - 4096 * 64) == start + 20000;
  results[8] = brk_call(start) == start;
  const char *names[] = {"initial nonzero", "grow to exact", "written", "shrink",     "kept below",
                         "regrow",          "fresh zero",    "below refused", "restored"};
  for (int i = 0; i < 9; i++) printf("%s %d\n", names[i], results[i]);
  return 0;
}
