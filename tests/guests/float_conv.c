/* Integer<->floating conversions: int64/uint64 to double and back, truncation, near 2^53/2^63/2^64, long double. */
#include <stdint.h>
#include <stdio.h>

static volatile uint64_t ints[] = {
    0, 1, 2, 3, 0x7fffffff, 0x80000000ULL, 0xffffffffULL, (1ULL << 53) - 1, 1ULL << 53,
    (1ULL << 53) + 1, (1ULL << 53) + 3, (1ULL << 63) - 1, 1ULL << 63, (1ULL << 63) + 1025,
    0xfffffffffffff800ULL, 0xffffffffffffffffULL, 0x0123456789abcdefULL,
};

static volatile double doubles[] = {
    0.0, -0.0, 0.5, -0.5, 1.5, -1.5, 2.5, 0.999999999, -0.999999999, 2147483647.9, -2147483648.9,
    4294967295.5, 9007199254740993.0, 9.2233720368547748e18, -9.2233720368547758e18,
    1.8446744073709550e19, 123456.789,
};

int main(void) {
  for (unsigned i = 0; i < sizeof ints / sizeof ints[0]; i++) {
    uint64_t u = ints[i];
    int64_t s = (int64_t)u;
    printf("%016llx: u2d %a s2d %a u2f %a s2f %a u2ld %La s2ld %La u32 %a s32 %a\n",
           (unsigned long long)u, (double)u, (double)s, (double)(float)u, (double)(float)s,
           (long double)u, (long double)s, (double)(uint32_t)u, (double)(int32_t)u);
  }
  for (unsigned i = 0; i < sizeof doubles / sizeof doubles[0]; i++) {
    double d = doubles[i];
    printf("%.17g:", d);
    if (d > -9.3e18 && d < 9.2e18) printf(" d2s %lld", (long long)d);
    if (d > -1.0 && d < 1.8e19) printf(" d2u %llu", (unsigned long long)d);
    if (d > -2147483649.0 && d < 2147483648.0) printf(" d2i %d", (int)d);
    if (d > -1.0 && d < 4294967296.0) printf(" d2ui %u", (unsigned)d);
    if (d > -32769.0 && d < 32768.0) printf(" d2h %d", (short)d);
    long double ld = (long double)d * 1.25L;
    if (ld > -9.2e18L && ld < 9.2e18L) printf(" ld2s %lld", (long long)ld);
    if (ld > -1.0L && ld < 1.8e19L) printf(" ld2u %llu", (unsigned long long)ld);
    printf(" f %a\n", (double)(float)d);
  }
  return 0;
}
