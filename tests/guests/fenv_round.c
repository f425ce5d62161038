/* Rounding modes via fesetround: rint/nearbyint/lrint, arithmetic, conversions and printf under each mode. */
#include <fenv.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>

static volatile double values[] = {0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4999, -2.5001, 1e15 + 0.5,
    0.1};
static volatile int64_t big[] = {(1LL << 53) + 1, (1LL << 54) + 3, -((1LL << 53) + 1),
    0x7fffffffffffffffLL};

int main(void) {
  const int modes[] = {FE_TONEAREST, FE_UPWARD, FE_DOWNWARD, FE_TOWARDZERO};
  const char *names[] = {"nearest", "upward", "downward", "towardzero"};
  for (int m = 0; m < 4; m++) {
    if (fesetround(modes[m]) != 0) return 1;
    printf("mode %s get %d\n", names[m], fegetround() == modes[m]);
    for (unsigned i = 0; i < sizeof values / sizeof values[0]; i++) {
      double v = values[i];
      printf("  %.17g: rint %.17g nearbyint %.17g lrint %ld llrint %lld rintf %a\n", v, rint(v),
             nearbyint(v), lrint(v), llrint(v), (double)rintf((float)v));
    }
    volatile double one = 1.0, three = 3.0, two = 2.0;
    volatile long double lone = 1.0L, lthree = 3.0L;
    printf("  div %a %a sqrt %a ldiv %La lsqrt %La\n", one / three, -one / three, sqrt(two),
           lone / lthree, sqrtl((long double)two));
    for (unsigned i = 0; i < sizeof big / sizeof big[0]; i++)
      printf("  i2d %a i2f %a\n", (double)big[i], (double)(float)big[i]);
    volatile double tenth = 0.1;
    printf("  d2f %a sum %a printf %.3f %.0f %.2e\n", (double)(float)tenth, tenth + 0.2, 2.0005,
        2.5,
           1.125);
  }
  fesetround(FE_TONEAREST);
  return 0;
}
