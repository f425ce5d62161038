/* x87 long double arithmetic at full 64-bit precision, printed with %La and %.21Lg. */
#include <float.h>
#include <math.h>
#include <stdio.h>

static volatile long double values[] = {
    0.0L, -0.0L, 1.0L, -1.0L, 0.1L, 1.0L / 3.0L, 3.0L, 1e4000L, -1e-4000L, LDBL_MAX, LDBL_MIN,
    LDBL_EPSILON, 18446744073709551617.0L, 1.0L + LDBL_EPSILON, INFINITY, NAN,
};

int main(void) {
  const int n = (int)(sizeof values / sizeof values[0]);
  for (int i = 0; i < n; i++) {
    for (int j = 0; j < n; j++) {
      long double a = values[i], b = values[j];
      printf("%La %La: %La %La %La %La | %.21Lg %d%d%d\n", a, b, a + b, a - b, a * b, a / b, a / b,
             a < b, a == b, a > b);
    }
  }
  long double sum = 0, prod = 1;
  for (int i = 1; i <= 2000; i++) {
    sum += 1.0L / i;
    prod *= 1.0L + 1.0L / (i * 7.0L);
  }
  printf("harmonic %.21Lg product %.21Lg\n", sum, prod);
  printf("dig %d mant %d eps %La max %Lg min %Lg\n", LDBL_DIG, LDBL_MANT_DIG, LDBL_EPSILON,
      LDBL_MAX,
         LDBL_MIN);
  volatile long double x = 2.0L;
  printf("sqrt2 %.21Lg %La cube %.21Lg\n", sqrtl(x), sqrtl(x), x * x * x);
  return 0;
}
