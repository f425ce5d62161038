// CPU benchmark: FNV-1a and a xorshift-multiply mix over a generated buffer.
#include <stdint.h>
#include <stdio.h>
static uint8_t buf[1 << 20];
int main(void) {
  uint64_t x = 88172645463325252ull;
  for (int i = 0; i < (int)sizeof buf; i++) {
    x ^= x << 13; x ^= x >> 7; x ^= x << 17;
    buf[i] = (uint8_t)x;
  }
  uint64_t h = 1469598103934665603ull, m = 0;
  for (int rep = 0; rep < 24; rep++) {
    for (int i = 0; i < (int)sizeof buf; i++) { h ^= buf[i]; h *= 1099511628211ull; }
    m += h ^ (h >> 29);
  }
  printf("%llu\n", (unsigned long long)m);
  return 0;
}
