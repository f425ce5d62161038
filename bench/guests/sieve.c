// CPU benchmark: sieve of Eratosthenes over 8 million numbers, repeated.
#include <stdio.h>
#include <string.h>
static unsigned char flags[8000001];
int main(void) {
  long total = 0;
  for (int rep = 0; rep < 1; rep++) {
    int n = 8000000, count = 0;
    memset(flags, 1, sizeof flags);
    for (int i = 2; (long)i * i <= n; i++)
      if (flags[i])
        for (int j = i * i; j <= n; j += i) flags[j] = 0;
    for (int i = 2; i <= n; i++) count += flags[i];
    total += count;
  }
  printf("%ld\n", total);
  return 0;
}
