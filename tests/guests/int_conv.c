/* Integer conversions: sign and zero extension, truncation, signed/unsigned compares, conditional selects. */
#include <stdint.h>
#include <stdio.h>

static volatile int64_t values[] = {
    0, 1, -1, 0x7f, 0x80, -0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff, 0x80000000LL,
    -0x80000000LL, 0xffffffffLL, 0x100000000LL, 0x7fffffffffffffffLL, -0x7fffffffffffffffLL - 1,
};

int main(void) {
  const int n = (int)(sizeof values / sizeof values[0]);
  for (int i = 0; i < n; i++) {
    int64_t v = values[i];
    printf("%llx: s8 %d u8 %u s16 %d u16 %u s32 %d u32 %u char %d bool %d", (unsigned long long)v,
           (int8_t)v, (uint8_t)v, (int16_t)v, (uint16_t)v, (int32_t)v, (uint32_t)v, (int)(char)v,
           (int)(_Bool)v);
    printf(" sx %lld %lld %lld zx %llu %llu %llu\n", (long long)(int8_t)v, (long long)(int16_t)v,
           (long long)(int32_t)v, (unsigned long long)(uint8_t)v, (unsigned long long)(uint16_t)v,
           (unsigned long long)(uint32_t)v);
    for (int j = 0; j < n; j++) {
      int64_t w = values[j];
      int32_t a32 = (int32_t)v, b32 = (int32_t)w;
      printf("%d", (v < w) | (v <= w) << 1 | ((uint64_t)v < (uint64_t)w) << 2 |
                       ((uint64_t)v >= (uint64_t)w) << 3 | (a32 > b32) << 4 |
                       ((uint32_t)a32 > (uint32_t)b32) << 5 | ((int8_t)v < (int8_t)w) << 6 |
                       ((uint16_t)v < (uint16_t)w) << 7);
      printf(",%lld,%llu ", (long long)(v < w ? v : w),
          (unsigned long long)((uint64_t)v > (uint64_t)w ? v : w));
    }
    printf("\n");
  }
  return 0;
}
