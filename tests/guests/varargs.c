/* Variadic functions: many int and double arguments (past the register limits), va_copy, vsnprintf. */
#include <stdarg.h>
#include <stdio.h>

static long sum_ints(int count, ...) {
  va_list ap;
  va_start(ap, count);
  long total = 0;
  for (int i = 0; i < count; i++) total += va_arg(ap, int) * (i + 1);
  va_end(ap);
  return total;
}

static double sum_mixed(const char *kinds, ...) {
  va_list ap, copy;
  va_start(ap, kinds);
  va_copy(copy, ap);
  double total = 0;
  for (const char *k = kinds; *k; k++) {
    if (*k == 'i') total += va_arg(ap, int);
    else if (*k == 'l') total += (double)va_arg(ap, long long);
    else if (*k == 'd') total += va_arg(ap, double);
    else if (*k == 'L') total += (double)va_arg(ap, long double);
    else if (*k == 's') total += (double)va_arg(ap, const char *)[0];
  }
  double first = 0;
  if (kinds[0] == 'd') first = va_arg(copy, double);
  va_end(copy);
  va_end(ap);
  return total * 1000 + first;
}

static int format(char *buf, size_t size, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(buf, size, fmt, ap);
  va_end(ap);
  return n;
}

struct pair {
  long a, b;
};
static long sum_structs(int n, ...) {
  va_list ap;
  va_start(ap, n);
  long t = 0;
  for (int i = 0; i < n; i++) {
    struct pair p = va_arg(ap, struct pair);
    t += p.a * 10 + p.b;
  }
  va_end(ap);
  return t;
}

int main(void) {
  printf("ints %ld %ld %ld\n", sum_ints(0), sum_ints(3, 1, 2, 3),
         sum_ints(14, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, -14));
  printf("mixed %.17g\n", sum_mixed("didldLdidsddddddddd", 1.5, 2, 3.25, 4LL, 5.5, 6.0L, 7.125, 8,
      9.0, "A",
                                    10.5, 11.5, 12.5, 13.5, 14.5, 15.5, 16.5, 17.5, 18.5));
  char buf[128];
  int n = format(buf, sizeof buf, "%d|%s|%.3f|%c|%lld|%Lg", 42, "str", 3.14159, 'z', -9LL, 2.5L);
  printf("vsnprintf %d [%s]\n", n, buf);
  struct pair a = {1, 2}, b = {3, 4}, c = {5, 6};
  printf("structs %ld\n", sum_structs(3, a, b, c));
  return 0;
}
