/* Deep and mutual recursion: 100k-frame recursion, Ackermann, mutual even/odd, and recursive Fibonacci. */
#include <stdint.h>
#include <stdio.h>

static __attribute__((noinline)) uint64_t deep(int n, uint64_t acc) {
  volatile char frame[16];
  frame[n & 15] = (char)n;
  if (n == 0) return acc;
  uint64_t r = deep(n - 1, acc * 31 + (uint64_t)n + (uint64_t)frame[n & 15]);
  return r ^ (uint64_t)n;
}

static int ackermann(int m, int n) {
  if (m == 0) return n + 1;
  if (n == 0) return ackermann(m - 1, 1);
  return ackermann(m - 1, ackermann(m, n - 1));
}

static int is_odd(unsigned n);
static __attribute__((noinline)) int is_even(unsigned n) { return n == 0 ? 1 : is_odd(n - 1); }
static __attribute__((noinline)) int is_odd(unsigned n) { return n == 0 ? 0 : is_even(n - 1); }

static long fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

int main(void) {
  printf("deep 100000 -> %016llx\n", (unsigned long long)deep(100000, 1));
  printf("ackermann(2,3)=%d ackermann(3,3)=%d\n", ackermann(2, 3), ackermann(3, 3));
  printf("even(10001)=%d odd(20001)=%d\n", is_even(10001), is_odd(20001));
  printf("fib(24)=%ld\n", fib(24));
  return 0;
}
