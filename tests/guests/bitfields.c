/* Bitfields: signed/unsigned fields of odd widths, packing, wraparound on store, and reads through unions. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct flags {
  unsigned a : 1;
  unsigned b : 3;
  signed c : 5;
  unsigned d : 7;
  signed e : 12;
  unsigned long long f : 36;
};

union view {
  struct flags fl;
  uint64_t raw[2];
};

int main(void) {
  union view v;
  memset(&v, 0, sizeof v);
  printf("sizeof %zu\n", sizeof(struct flags));
  for (volatile int i = -20; i < 40; i += 3) {
    v.fl.a = (unsigned)i;
    v.fl.b = (unsigned)i;
    v.fl.c = i;
    v.fl.d = (unsigned)(i * 9);
    v.fl.e = i * 150;
    v.fl.f = (unsigned long long)i * 0x123456789ULL;
    printf("%d: a %u b %u c %d d %u e %d f %llx raw %016llx %016llx\n", i, v.fl.a, v.fl.b, v.fl.c,
        v.fl.d,
           v.fl.e, (unsigned long long)v.fl.f, (unsigned long long)v.raw[0],
               (unsigned long long)v.raw[1]);
  }
  v.raw[0] = 0xfedcba9876543210ULL;
  v.raw[1] = 0x0f1e2d3c4b5a6978ULL;
  printf("from raw: a %u b %u c %d d %u e %d f %llx\n", v.fl.a, v.fl.b, v.fl.c, v.fl.d, v.fl.e,
         (unsigned long long)v.fl.f);
  v.fl.c += 20;
  v.fl.e -= 3000;
  printf("arith c %d e %d\n", v.fl.c, v.fl.e);
  return 0;
}
