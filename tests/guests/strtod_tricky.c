/* strtod/strtof/strtold on tricky inputs: halfway cases, denormals, hex floats, inf/nan, overflow, junk. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include "guest.h"

static const char *inputs[] = {
    "0", "-0", "1", "0.1", "1e23", "8.9255e-308", "2.2250738585072011e-308",
        "2.2250738585072012e-308",
    "4.9406564584124654e-324", "2.4703282292062327e-324", "2.4703282292062328e-324", "1e-400",
    "1.7976931348623157e308", "1.7976931348623158e308", "1.7976931348623159e308", "1e309",
    "9007199254740993", "9007199254740992.5", "9007199254740993.0000000001",
    "0.30000000000000004", "123456789012345678901234567890",
        "1.00000000000000011102230246251565404",
    "1.00000000000000011102230246251565405", "0x1.fffffffffffffp1023", "0x1p-1074", "0x1.8p1",
    "0X.8P+2", "inf", "-Infinity", "nan", "NAN(123)", "  +3.5e+2xyz", "e5", ".e1", "-.5", "1e",
    "1e+", "0x", "1.5e-3.2", "  \t\n42", "000000000000000000000000000001e0",
        "1" "000000000000000000000" "e-21",
    "7.038531e-26", "3.4028235677973366e38", "1.4e-45", "1.17549435e-38",
};

int main(void) {
  for (unsigned i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
    const char *s = inputs[i];
    char *end = NULL;
    errno = 0;
    double d = strtod(s, &end);
    int e1 = errno;
    long dused = end - s;
    errno = 0;
    float f = strtof(s, &end);
    int e2 = errno;
    long fused = end - s;
    errno = 0;
    long double ld = strtold(s, &end);
    int e3 = errno;
    long ldused = end - s;
    printf("\"%s\": d %a %ld %s | f %a %ld %s | ld %.21Lg %ld %s\n", s, d, dused, errno_name(e1),
           (double)f, fused, errno_name(e2), ld, ldused, errno_name(e3));
  }
  printf("atof %.17g\n", atof("  -12.375e1"));
  return 0;
}
