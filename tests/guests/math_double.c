/* libm double functions (trig, exp/log, pow, sqrt, fmod, rounding, hypot...) printed with %.17g. */
#include <math.h>
#include <stdio.h>

static volatile double inputs[] = {
    0.0, -0.0, 0.5, 1.0, -1.0, 2.0, 3.14159265358979, -2.75, 10.0, 100.5, 1e-5, 1e10, 710.0, -745.5,
    1e300, INFINITY, NAN,
};

int main(void) {
  for (unsigned i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
    double x = inputs[i], y = inputs[(i + 3) % (sizeof inputs / sizeof inputs[0])];
    printf("x=%.17g y=%.17g\n", x, y);
    printf(" sin %.17g cos %.17g tan %.17g\n", sin(x), cos(x), tan(x));
    printf(" asin %.17g acos %.17g atan %.17g atan2 %.17g\n", asin(x / 4), acos(x / 4), atan(x),
           atan2(x, y));
    printf(" exp %.17g exp2 %.17g expm1 %.17g\n", exp(x), exp2(x), expm1(x));
    printf(" log %.17g log2 %.17g log10 %.17g log1p %.17g\n", log(x), log2(x), log10(x), log1p(x));
    printf(" pow %.17g sqrt %.17g cbrt %.17g hypot %.17g\n", pow(x, y), sqrt(x), cbrt(x), hypot(x,
        y));
    printf(" fmod %.17g remainder %.17g\n", fmod(x, y), remainder(x, y));
    printf(" floor %.17g ceil %.17g trunc %.17g round %.17g\n", floor(x), ceil(x), trunc(x),
        round(x));
    printf(" sinh %.17g cosh %.17g tanh %.17g\n", sinh(x), cosh(x), tanh(x));
    int e = 0;
    double m = frexp(x, &e);
    double ip = 0;
    double fp = modf(x, &ip);
    printf(" frexp %.17g %d ldexp %.17g modf %.17g %.17g fma %.17g copysign %.17g\n", m,
           isfinite(x) ? e : 0, ldexp(x, 7), fp, ip, fma(x, y, 1.0), copysign(3.0, x));
  }
  return 0;
}
