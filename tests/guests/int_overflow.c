/* Overflow detection with __builtin_*_overflow and wrapping unsigned arithmetic at every width. */
#include <stdint.h>
#include <stdio.h>

static volatile int64_t values[] = {
    0, 1, -1, 2, 100, -100, 127, -128, 255, 32767, -32768, 65535, 2147483647LL,
    -2147483648LL, 4294967295LL, 4294967296LL, 9223372036854775807LL, -9223372036854775807LL - 1,
};

#define CHECK(T, fmt, cast)                                                        \
  do {                                                                             \
    T x = (T)a, y = (T)b, r;                                                       \
    int o1 = __builtin_add_overflow(x, y, &r);                                     \
    printf(" " #T " add %" fmt "/%d", (cast)r, o1);                                \
    int o2 = __builtin_sub_overflow(x, y, &r);                                     \
    printf(" sub %" fmt "/%d", (cast)r, o2);                                       \
    int o3 = __builtin_mul_overflow(x, y, &r);                                     \
    printf(" mul %" fmt "/%d", (cast)r, o3);                                       \
  } while (0)

int main(void) {
  const int n = (int)(sizeof values / sizeof values[0]);
  for (int i = 0; i < n; i++) {
    for (int j = 0; j < n; j++) {
      int64_t a = values[i], b = values[j];
      printf("%lld,%lld:", (long long)a, (long long)b);
      CHECK(int8_t, "d", int);
      CHECK(uint8_t, "u", unsigned);
      CHECK(int16_t, "d", int);
      CHECK(uint16_t, "u", unsigned);
      CHECK(int32_t, "d", int);
      CHECK(uint32_t, "u", unsigned);
      CHECK(int64_t, "lld", long long);
      CHECK(uint64_t, "llu", unsigned long long);
      uint64_t ua = (uint64_t)a, ub = (uint64_t)b;
      printf(" wrap %llx %llx %llx %llx\n", (unsigned long long)(ua + ub),
             (unsigned long long)(ua - ub), (unsigned long long)(ua * ub),
             (unsigned long long)(-ua));
    }
  }
  return 0;
}
