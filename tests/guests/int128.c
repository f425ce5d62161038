/* 128-bit integer arithmetic via __int128: multiply, divide, remainder, shifts, compares, printing. */
#include <stdint.h>
#include <stdio.h>
#include "guest.h"

typedef unsigned __int128 u128;
typedef __int128 s128;

static void put_u128(u128 v) {
  char buf[48];
  int i = sizeof buf - 1;
  buf[i] = 0;
  do {
    buf[--i] = (char)('0' + (int)(v % 10));
    v /= 10;
  } while (v);
  fputs(buf + i, stdout);
}

static void put_s128(s128 v) {
  if (v < 0) {
    putchar('-');
    put_u128(-(u128)v);
  } else {
    put_u128((u128)v);
  }
}

int main(void) {
  u128 vals[24];
  for (int i = 0; i < 24; i++) {
    u128 hi = rng(), lo = rng();
    vals[i] = (hi << 64) | lo;
    if (i % 3 == 1) vals[i] >>= (i * 5);
    if (i % 5 == 2) vals[i] = lo >> (i % 60);
  }
  vals[0] = 0;
  vals[1] = 1;
  vals[2] = ~(u128)0;
  vals[3] = (u128)1 << 127;
  for (int i = 0; i < 24; i++) {
    for (int j = 0; j < 24; j += 3) {
      u128 a = vals[i], b = vals[j];
      put_u128(a);
      putchar(' ');
      put_u128(b);
      fputs(": mul ", stdout);
      put_u128(a * b);
      if (b) {
        fputs(" div ", stdout);
        put_u128(a / b);
        fputs(" mod ", stdout);
        put_u128(a % b);
      }
      s128 sa = (s128)a, sb = (s128)b;
      if (sb && !(sa == (s128)((u128)1 << 127) && sb == -1)) {
        fputs(" sdiv ", stdout);
        put_s128(sa / sb);
        fputs(" smod ", stdout);
        put_s128(sa % sb);
      }
      printf(" cmp %d %d", a < b, sa < sb);
      unsigned s = (unsigned)(b % 128);
      fputs(" shl ", stdout);
      put_u128(a << s);
      fputs(" shr ", stdout);
      put_u128(a >> s);
      fputs(" sar ", stdout);
      put_s128(sa >> s);
      putchar('\n');
    }
  }
  return 0;
}
