/* libm long double functions (sinl, expl, logl, powl, sqrtl, fmodl, floorl...) printed with %.21Lg. */
#include <math.h>
#include <stdio.h>

static volatile long double inputs[] = {
    0.0L, -0.0L, 0.5L, 1.0L, -1.0L, 2.0L, 3.14159265358979323846L, -2.75L, 10.0L, 1e-5L, 1e10L,
    11356.0L, 1e4000L, INFINITY, NAN,
};

int main(void) {
  const unsigned n = sizeof inputs / sizeof inputs[0];
  for (unsigned i = 0; i < n; i++) {
    long double x = inputs[i], y = inputs[(i + 4) % n];
    printf("x=%.21Lg y=%.21Lg\n", x, y);
    printf(" sinl %.21Lg cosl %.21Lg tanl %.21Lg atanl %.21Lg atan2l %.21Lg\n", sinl(x), cosl(x),
           tanl(x), atanl(x), atan2l(x, y));
    printf(" expl %.21Lg logl %.21Lg log2l %.21Lg log10l %.21Lg\n", expl(x), logl(x), log2l(x),
           log10l(x));
    printf(" powl %.21Lg sqrtl %.21Lg cbrtl %.21Lg hypotl %.21Lg\n", powl(x, y), sqrtl(x), cbrtl(x),
           hypotl(x, y));
    printf(" fmodl %.21Lg floorl %.21Lg ceill %.21Lg truncl %.21Lg roundl %.21Lg\n", fmodl(x, y),
           floorl(x), ceill(x), truncl(x), roundl(x));
    printf(" ldexpl %.21Lg fabsl %.21Lg\n", ldexpl(x, -3), fabsl(x));
  }
  return 0;
}
