/* Integer division and remainder at every width, signed and unsigned, with negative and extreme operands. */
#include <stdint.h>
#include <stdio.h>

static volatile int64_t values[] = {
    0, 1, -1, 2, -2, 3, -3, 7, -7, 10, -10, 127, -128, 255, 32767, -32768, 65535,
    2147483647LL, -2147483648LL, 4294967295LL, 1000000007LL, -999999937LL,
    0x123456789abcdefLL, 9223372036854775807LL, -9223372036854775807LL - 1,
};

int main(void) {
  const int n = (int)(sizeof values / sizeof values[0]);
  for (int i = 0; i < n; i++) {
    for (int j = 0; j < n; j++) {
      int64_t a = values[i], b = values[j];
      if (b == 0) continue;
      printf("%lld,%lld:", (long long)a, (long long)b);
      if (!(a == INT64_MIN && b == -1)) printf(" s64 %lld %lld", (long long)(a / b),
          (long long)(a % b));
      printf(" u64 %llu %llu", (unsigned long long)((uint64_t)a / (uint64_t)b),
             (unsigned long long)((uint64_t)a % (uint64_t)b));
      int32_t a32 = (int32_t)a, b32 = (int32_t)b;
      if (b32 != 0 && !(a32 == INT32_MIN && b32 == -1)) printf(" s32 %d %d", a32 / b32, a32 % b32);
      if (b32 != 0) printf(" u32 %u %u", (uint32_t)a32 / (uint32_t)b32,
          (uint32_t)a32 % (uint32_t)b32);
      int16_t a16 = (int16_t)a, b16 = (int16_t)b;
      if (b16 != 0) printf(" s16 %d %d", (int16_t)(a16 / b16), (int16_t)(a16 % b16));
      if (b16 != 0) printf(" u16 %u %u", (uint16_t)a16 / (uint16_t)b16,
          (uint16_t)a16 % (uint16_t)b16);
      int8_t a8 = (int8_t)a, b8 = (int8_t)b;
      if (b8 != 0) printf(" s8 %d %d", (int8_t)(a8 / b8), (int8_t)(a8 % b8));
      if (b8 != 0) printf(" u8 %u %u", (uint8_t)a8 / (uint8_t)b8, (uint8_t)a8 % (uint8_t)b8);
      printf("\n");
    }
  }
  /* Division by constants compiles to multiply-and-shift sequences. */
  for (int i = 0; i < n; i++) {
    int64_t a = values[i];
    printf("const %lld: %lld %lld %lld %llu %llu\n", (long long)a, (long long)(a / 3),
           (long long)(a / -7), (long long)(a % 10), (unsigned long long)((uint64_t)a / 1000),
           (unsigned long long)((uint64_t)a % 641));
  }
  return 0;
}
