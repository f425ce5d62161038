/* Double arithmetic over special values (zeros, denormals, infinities, NaNs) and comparisons, printed with %a and %.17g. */
#include <float.h>
#include <math.h>
#include <stdio.h>

static volatile double values[] = {
    0.0, -0.0, 1.0, -1.0, 0.1, 1.0 / 3.0, 3.0, -2.5, 1e308, -1e308, DBL_MAX, DBL_MIN,
    4.9406564584124654e-324, 2.2250738585072009e-308, 123456789.125, 9007199254740993.0, INFINITY,
    -INFINITY, NAN,
};

static void show(double x) {
  /* NaN payload signs are what the hardware produces; printf shows them as nan/-nan. */
  printf(" %a|%.17g", x, x);
}

int main(void) {
  const int n = (int)(sizeof values / sizeof values[0]);
  for (int i = 0; i < n; i++) {
    for (int j = 0; j < n; j++) {
      double a = values[i], b = values[j];
      printf("%a %a:", a, b);
      show(a + b);
      show(a - b);
      show(a * b);
      show(a / b);
      printf(" cmp %d%d%d%d%d%d\n", a < b, a <= b, a == b, a != b, a > b, isunordered(a, b));
    }
  }
  for (int i = 0; i < n; i++) {
    double a = values[i];
    printf("%a: sqrt", a);
    show(sqrt(a));
    show(-a);
    show(fabs(a));
    show(a * a * a);
    printf(" class %d %d %d %d\n", isnan(a) != 0, isinf(a) != 0, signbit(a) != 0, fpclassify(a));
  }
  /* A long accumulation exercises rounding of every step. */
  double sum = 0, prod = 1;
  for (int i = 1; i <= 2000; i++) {
    sum += 1.0 / i;
    prod *= 1.0 + 1.0 / (i * 7.0);
  }
  printf("harmonic %.17g product %.17g\n", sum, prod);
  return 0;
}
