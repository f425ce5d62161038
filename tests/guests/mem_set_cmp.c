/* memset, memcmp and bcmp at every alignment and lengths 0..300, including the sign of memcmp results. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

static unsigned char a[512], b[512], expect[512];

static int sign(int x) { return (x > 0) - (x < 0); }

/* The reference fill goes through a volatile pointer so the compiler cannot turn it into memset. */
static void model_set(unsigned char *to, int c, size_t len) {
  volatile unsigned char *t = to;
  for (size_t i = 0; i < len; i++) t[i] = (unsigned char)c;
}

int main(void) {
  int bad = 0;
  unsigned long calls = 0;
  for (size_t len = 0; len <= 300; len++) {
    for (size_t al = 0; al < 16; al++) {
      int c = (int)(len * 3 + al) & 0xff;
      model_set(expect, 0xee, sizeof expect);
      model_set(expect + 16 + al, c, len);
      memcpy(a, expect, 16);
      memset(a + 16, 0xee, sizeof a - 16);
      void *r = memset(a + 16 + al, c, len);
      bad += r != a + 16 + al;
      for (size_t i = 0; i < sizeof a; i += 8) bad += memcmp(a + i, expect + i, 8) != 0;
      calls++;
    }
  }
  printf("memset calls %lu bad %d\n", calls, bad);
  long sum = 0;
  for (size_t i = 0; i < 400; i++) a[i] = b[i] = (unsigned char)(i * 7 + 1);
  for (size_t len = 0; len <= 300; len++) {
    for (size_t al = 0; al < 16; al += 3) {
      size_t bl = (al * 5 + len) % 16;
      memcpy(b + bl, a + al, len);
      bad += memcmp(a + al, b + bl, len) != 0;
      bad += bcmp(a + al, b + bl, len) != 0;
      if (len > 0) {
        size_t pos = (len * 13) % len;
        b[bl + pos] ^= (unsigned char)(0x80 >> (len % 8));
        int r1 = memcmp(a + al, b + bl, len), r2 = memcmp(b + bl, a + al, len);
        int want = a[al + pos] < b[bl + pos] ? -1 : 1;
        bad += sign(r1) != want;
        bad += sign(r2) != -want;
        bad += bcmp(a + al, b + bl, len) == 0;
        sum += sign(r1) * (long)(len + 1);
      }
      calls++;
    }
  }
  printf("memcmp calls %lu bad %d signsum %ld\n", calls, bad, sum);
  printf("sign 0x80 vs 0x7f %d\n", sign(memcmp("\x80", "\x7f", 1)));
  return bad ? 1 : 0;
}
