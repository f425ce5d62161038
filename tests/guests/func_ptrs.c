/* Function pointers: tables of operations, callbacks, pointers returned from functions, indirect tail calls. */
#include <stdio.h>
#include <stdlib.h>

typedef long (*binop)(long, long);

static long add(long a, long b) { return a + b; }
static long sub(long a, long b) { return a - b; }
static long mul(long a, long b) { return a * b; }
static long maxl(long a, long b) { return a > b ? a : b; }
static long shl(long a, long b) { return (long)((unsigned long)a << (b & 15)); }

static binop pick(char c) {
  switch (c) {
    case '+': return add;
    case '-': return sub;
    case '*': return mul;
    case 'M': return maxl;
    default: return shl;
  }
}

static long fold(const long *v, int n, binop f, long init) {
  for (int i = 0; i < n; i++) init = f(init, v[i]);
  return init;
}

struct shape {
  const char *name;
  double (*area)(const struct shape *);
  double a, b;
};
static double rect_area(const struct shape *s) { return s->a * s->b; }
static double tri_area(const struct shape *s) { return s->a * s->b / 2; }

static int by_value(const void *x, const void *y) { return *(const int *)x - *(const int *)y; }
static int by_value_desc(const void *x, const void *y) { return by_value(y, x); }

int main(void) {
  const long values[] = {3, -4, 7, 10, -2, 5};
  const char ops[] = "+-*M<";
  binop table[] = {add, sub, mul, maxl, shl};
  for (int i = 0; i < 5; i++) {
    volatile binop f = table[i];
    printf("op %c fold %ld pick-same %d apply %ld\n", ops[i], fold(values, 6, f, 1),
        pick(ops[i]) == f, f(6, 3));
  }
  struct shape shapes[] = {{"rect", rect_area, 3, 4}, {"tri", tri_area, 3, 4}, {"square",
      rect_area, 2.5, 2.5}};
  for (int i = 0; i < 3; i++) printf("%s area %g\n", shapes[i].name, shapes[i].area(&shapes[i]));
  int arr[] = {5, 1, 4, 2, 3};
  int (*cmps[])(const void *, const void *) = {by_value, by_value_desc};
  for (int k = 0; k < 2; k++) {
    qsort(arr, 5, sizeof arr[0], cmps[k]);
    printf("sorted %d: %d %d %d %d %d\n", k, arr[0], arr[1], arr[2], arr[3], arr[4]);
  }
  return 9;
}
