/* Single-precision float arithmetic, sqrtf, float<->double rounding, printed with %a and %.9g. */
#include <float.h>
#include <math.h>
#include <stdio.h>

static volatile float values[] = {
    0.0f, -0.0f, 1.0f, -1.0f, 0.1f, 1.0f / 3.0f, 16777217.0f, 3.4e38f, FLT_MIN, 1.4e-45f,
    -7.25f, INFINITY, NAN,
};

int main(void) {
  const int n = (int)(sizeof values / sizeof values[0]);
  for (int i = 0; i < n; i++) {
    for (int j = 0; j < n; j++) {
      float a = values[i], b = values[j];
      float s = a + b, d = a - b, p = a * b, q = a / b;
      printf("%a %a: %a %a %a %a | %.9g %.9g %d%d%d\n", (double)a, (double)b, (double)s, (double)d,
             (double)p, (double)q, (double)q, (double)(a * 3.0f + b), a < b, a == b, a >= b);
    }
    float a = values[i];
    printf("sqrtf %a floor %a round %a\n", (double)sqrtf(a), (double)floorf(a), (double)roundf(a));
  }
  volatile double d = 0.1;
  for (int i = 0; i < 40; i++) {
    float f = (float)d;
    printf("d2f %.17g -> %a\n", d, (double)f);
    d = d * 3.7 + 1e-9;
  }
  float acc = 0;
  for (int i = 1; i <= 3000; i++) acc += 1.0f / (float)i;
  printf("harmonic %.9g\n", (double)acc);
  return 0;
}
