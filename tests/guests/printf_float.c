/* printf of doubles in %e/%f/%g/%a at many precisions and widths, and %.17g -> strtod round trips. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "guest.h"

static volatile double values[] = {
    0.0, -0.0, 0.5, 1.5, 2.5, 0.125, 0.1, 1.0 / 3.0, 2.0 / 3.0, 1e-7, 123456.5, 1e21, 1e22, 5e-324,
    1.7976931348623157e308, -9.87654321e-11, 0.000123456789, 1e300,
};

int main(void) {
  const char *formats[] = {"%e", "%.0e", "%.3e", "%.15e", "%f", "%.0f", "%.1f", "%.20f", "%g",
                           "%.0g", "%.3g", "%.17g", "%#g", "%#.0f", "%a", "%.3a", "%+12.4f",
                               "%-12.3e|",
                           "%012.2f", "% g", "%E", "%G", "%A"};
  for (unsigned i = 0; i < sizeof values / sizeof values[0]; i++) {
    double v = values[i];
    for (unsigned f = 0; f < sizeof formats / sizeof formats[0]; f++) {
      char buf[400];
      snprintf(buf, sizeof buf, formats[f], v);
      printf("%s ", buf);
    }
    printf("\n");
  }
  printf("big %f\n", 1e300);
  printf("halfway %.0f %.0f %.0f %.0f %.1f %.1f %.2f\n", 0.5, 1.5, 2.5, 3.5, 0.25, 0.35, 1.005);
  int bad = 0;
  for (int i = 0; i < 300; i++) {
    union {
      uint64_t u;
      double d;
    } x;
    x.u = rng();
    if ((x.u & 0x7ff0000000000000ULL) == 0x7ff0000000000000ULL) continue;
    char buf[64];
    snprintf(buf, sizeof buf, "%.17g", x.d);
    double back = strtod(buf, NULL);
    if (memcmp(&back, &x.d, sizeof back) != 0) bad++;
    if (i % 30 == 0) printf("rt %s\n", buf);
  }
  printf("round trip failures %d\n", bad);
  return bad ? 1 : 0;
}
