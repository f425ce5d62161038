/* strtol/strtoul/strtoll/strtoull: bases, signs, whitespace, overflow (ERANGE), endptr, and round trips. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include "guest.h"

static const char *inputs[] = {
    "0", "-0", "42", "  -42", "+7", "0x1f", "0X1F", "017", "08", "0b101", "z", "Zz",
        "9223372036854775807",
    "9223372036854775808", "-9223372036854775808", "-9223372036854775809", "18446744073709551615",
    "18446744073709551616", "-1", "4294967296", "  \t 123abc", "", "-", "0x", "1_000",
        "777777777777777777777777",
};
static const int bases[] = {0, 2, 8, 10, 16, 36};

int main(void) {
  for (unsigned i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
    for (unsigned b = 0; b < sizeof bases / sizeof bases[0]; b++) {
      const char *s = inputs[i];
      char *end;
      errno = 0;
      long l = strtol(s, &end, bases[b]);
      printf("\"%s\" base %d: l %ld/%ld/%s", s, bases[b], l, (long)(end - s), errno_name(errno));
      errno = 0;
      unsigned long ul = strtoul(s, &end, bases[b]);
      printf(" ul %lu/%ld/%s", ul, (long)(end - s), errno_name(errno));
      errno = 0;
      long long ll = strtoll(s, &end, bases[b]);
      printf(" ll %lld/%ld/%s", ll, (long)(end - s), errno_name(errno));
      errno = 0;
      unsigned long long ull = strtoull(s, &end, bases[b]);
      printf(" ull %llu/%ld/%s\n", ull, (long)(end - s), errno_name(errno));
    }
  }
  int bad = 0;
  for (int i = 0; i < 3000; i++) {
    int64_t v = (int64_t)rng() >> (i % 64);
    char buf[80];
    snprintf(buf, sizeof buf, "%" PRId64, v);
    if (strtoll(buf, NULL, 10) != v) bad++;
    snprintf(buf, sizeof buf, "%#" PRIx64, (uint64_t)v);
    if (strtoull(buf, NULL, 16) != (uint64_t)v) bad++;
    snprintf(buf, sizeof buf, "%#" PRIo64, (uint64_t)v);
    if (strtoull(buf, NULL, 0) != (uint64_t)v) bad++;
  }
  printf("round trip failures %d atoi %d atol %ld\n", bad, atoi(" -99x"), atol("123456789012"));
  return 5;
}
