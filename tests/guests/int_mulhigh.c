/* Widening multiplies: high halves of 64x64 and 32x32 products, signed and unsigned, and constant multiplies. */
#include <stdint.h>
#include <stdio.h>
#include "guest.h"

int main(void) {
  for (int i = 0; i < 300; i++) {
    volatile uint64_t a = rng(), b = rng();
    if (i % 4 == 1) b >>= 40;
    if (i % 7 == 0) a = ~0ULL - (uint64_t)i;
    unsigned __int128 up = (unsigned __int128)a * b;
    __int128 sp = (__int128)(int64_t)a * (int64_t)b;
    uint64_t p32 = (uint64_t)(uint32_t)a * (uint32_t)b;
    int64_t s32 = (int64_t)(int32_t)a * (int32_t)b;
    int16_t s16 = (int16_t)((int16_t)a * (int16_t)b);
    printf("%016llx*%016llx: u %016llx%016llx s %016llx%016llx u32 %016llx s32 %lld s16 %d",
           (unsigned long long)a, (unsigned long long)b, (unsigned long long)(uint64_t)(up >> 64),
           (unsigned long long)(uint64_t)up,
               (unsigned long long)(uint64_t)((unsigned __int128)sp >> 64),
           (unsigned long long)(uint64_t)sp, (unsigned long long)p32, (long long)s32, s16);
    uint64_t x = a;
    printf(" k %llx %llx %llx %llx %llx\n", (unsigned long long)(x * 3),
        (unsigned long long)(x * 5),
           (unsigned long long)(x * 9), (unsigned long long)(x * 1000003),
           (unsigned long long)((int64_t)x * -17));
  }
  return 0;
}
