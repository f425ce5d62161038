/* sprintf of many integer, string and char formats: flags, widths, precisions, length modifiers, %n, truncation. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

int main(void) {
  char buf[256];
  const long long ints[] = {0, 1, -1, 42, -42, 255, 65535, 2147483647, -2147483647 - 1,
                            9223372036854775807LL, -9223372036854775807LL - 1};
  const char *formats[] = {"%d", "%i", "%5d", "%-5d|", "%05d", "%+d", "% d", "%.3d", "%8.3d", "%x",
                           "%X", "%#x", "%o", "%#o", "%u", "%hhd", "%hhu", "%hd", "%hu", "%c"};
  for (unsigned i = 0; i < sizeof ints / sizeof ints[0]; i++) {
    int v = (int)ints[i];
    for (unsigned f = 0; f < sizeof formats / sizeof formats[0]; f++) {
      int n = sprintf(buf, formats[f], (formats[f][1] == 'c') ? (v & 0x3f) + 32 : v);
      printf("[%s]%d ", buf, n);
    }
    printf("\n  %lld %llx %llo %lu %zd %jd %#llX %020lld %-+22lld|\n", ints[i],
           (unsigned long long)ints[i], (unsigned long long)ints[i], (unsigned long)ints[i],
           (ptrdiff_t)ints[i], (intmax_t)ints[i], (unsigned long long)ints[i], ints[i], ints[i]);
  }
  printf("[%s] [%10s] [%-10s] [%.2s] [%*s] [%-*.*s] [%c%c%c] [%%] [%5c]\n", "hello", "hi", "hi",
         "hello", 6, "ab", 7, 3, "abcdef", 'x', 'y', 'z', 'q');
  int count = 0;
  printf("abc%ndef", &count);
  printf(" n=%d\n", count);
  char small[8];
  volatile size_t small_size = sizeof small;
  int n = snprintf(small, small_size, "%s-%d", "truncated", 12345);
  printf("snprintf %d [%s] zero %d\n", n, small, snprintf(NULL, 0, "%08.3f", 3.14159));
  printf("star [%*d] [%-*d] [%.*d]\n", 8, 42, 8, 42, 6, 42);
  printf("null-ish [%.0d] [%#.0o] [%#x]\n", 0, 0, 0);
  memset(buf, 'A', 200);
  buf[200] = 0;
  printf("long %d %s\n", (int)strlen(buf), buf + 190);
  return 0;
}
