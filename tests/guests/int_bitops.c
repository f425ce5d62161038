/* Bit operations: popcount, clz/ctz/ffs, byte swaps, parity, bit set/clear/test and logic ops. */
#include <stdint.h>
#include <stdio.h>
#include <strings.h>
#include "guest.h"

int main(void) {
  uint64_t h = FNV_START;
  for (int i = 0; i < 400; i++) {
    volatile uint64_t v = rng();
    if (i % 4 == 1) v = v >> (i % 64);
    if (i % 4 == 2) v = v & (v << 7);
    if (i % 8 == 3) v = 1ULL << (i % 64);
    uint64_t x = v;
    uint32_t x32 = (uint32_t)x;
    printf("%016llx pop %d %d clz %d ctz %d ffs %d %d parity %d bswap %016llx %08x %04x clrsb %d\n",
           (unsigned long long)x, __builtin_popcountll(x), __builtin_popcount(x32),
           x ? __builtin_clzll(x) : -1, x ? __builtin_ctzll(x) : -1, ffsll((long long)x),
               ffs((int)x32),
           __builtin_parityll(x), (unsigned long long)__builtin_bswap64(x), __builtin_bswap32(x32),
           __builtin_bswap16((uint16_t)x), __builtin_clrsbll((long long)x));
    unsigned k = (unsigned)(x % 64);
    h = fnv_u64(h, x | (1ULL << k));
    h = fnv_u64(h, x & ~(1ULL << k));
    h = fnv_u64(h, x ^ (1ULL << k));
    h = fnv_u64(h, (x >> k) & 1);
    h = fnv_u64(h, x & (x - 1));
    h = fnv_u64(h, x & -x);
    h = fnv_u64(h, x ^ (x - 1));
    h = fnv_u64(h, ~x & (x >> 3));
  }
  printf("logic hash %016llx\n", (unsigned long long)h);
  return 0;
}
