/* Shifts at every width and count: logical, arithmetic, and double-precision (shld/shrd) forms. */
#include <stdint.h>
#include <stdio.h>
#include "guest.h"

static volatile uint64_t values[] = {
    0, 1, 0x80, 0xff, 0x8000, 0xffff, 0x80000000ULL, 0xffffffffULL, 0x8000000000000000ULL,
    0xffffffffffffffffULL, 0x0123456789abcdefULL, 0xfedcba9876543210ULL, 0x5555aaaa3333ccccULL,
};

int main(void) {
  const int n = (int)(sizeof values / sizeof values[0]);
  for (int i = 0; i < n; i++) {
    uint64_t v = values[i], w = values[(i + 5) % n];
    uint64_t h64 = FNV_START, h32 = FNV_START, h16 = FNV_START, h8 = FNV_START, hd = FNV_START;
    for (volatile int c = 0; c < 64; c++) {
      h64 = fnv_u64(h64, v << c);
      h64 = fnv_u64(h64, v >> c);
      h64 = fnv_u64(h64, (uint64_t)((int64_t)v >> c));
      if (c > 0) {
        hd = fnv_u64(hd, (v << c) | (w >> (64 - c)));
        hd = fnv_u64(hd, (v >> c) | (w << (64 - c)));
      }
      if (c < 32) {
        uint32_t v32 = (uint32_t)v;
        h32 = fnv_u64(h32, (uint32_t)(v32 << c));
        h32 = fnv_u64(h32, v32 >> c);
        h32 = fnv_u64(h32, (uint32_t)((int32_t)v32 >> c));
      }
      if (c < 16) {
        uint16_t v16 = (uint16_t)v;
        h16 = fnv_u64(h16, (uint16_t)(v16 << c));
        h16 = fnv_u64(h16, (uint16_t)(v16 >> c));
        h16 = fnv_u64(h16, (uint16_t)((int16_t)v16 >> c));
      }
      if (c < 8) {
        uint8_t v8 = (uint8_t)v;
        h8 = fnv_u64(h8, (uint8_t)(v8 << c));
        h8 = fnv_u64(h8, (uint8_t)(v8 >> c));
        h8 = fnv_u64(h8, (uint8_t)((int8_t)v8 >> c));
      }
    }
    printf("%016llx: 64 %016llx 32 %016llx 16 %016llx 8 %016llx dbl %016llx\n",
           (unsigned long long)v, (unsigned long long)h64, (unsigned long long)h32,
           (unsigned long long)h16, (unsigned long long)h8, (unsigned long long)hd);
  }
  for (int c = 0; c < 64; c += 7) {
    volatile int vc = c;
    printf("c=%d %llx %llx %llx\n", c, (unsigned long long)(values[10] << vc),
           (unsigned long long)(values[11] >> vc), (unsigned long long)((int64_t)values[11] >> vc));
  }
  return 3;
}
