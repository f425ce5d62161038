/* memcpy and memmove (both overlap directions) at every source/destination alignment and lengths 0..300. */
#include <stdio.h>
#include <string.h>
#include "guest.h"

#define SIZE 400
static unsigned char src[SIZE], pattern[SIZE], dst[SIZE], expect[SIZE];

/* The reference copy goes through a volatile pointer so the compiler cannot turn it into memcpy. */
static void model_copy(unsigned char *to, const unsigned char *from, size_t len) {
  volatile unsigned char *t = to;
  for (size_t i = 0; i < len; i++) t[i] = from[i];
}

int main(void) {
  int bad = 0;
  unsigned long calls = 0;
  uint64_t h = FNV_START;
  for (size_t i = 0; i < SIZE; i++) {
    src[i] = (unsigned char)(i * 131u + 7u + (i >> 8));
    pattern[i] = (unsigned char)(i * 29u + 3u);
  }
  /* Every length 0..300 with every source alignment; destination alignment varies with both. */
  for (size_t len = 0; len <= 300; len++) {
    for (size_t sa = 0; sa < 16; sa++) {
      size_t da = (sa * 7 + len) % 16;
      memcpy(dst, pattern, SIZE);
      memcpy(expect, pattern, SIZE);
      model_copy(expect + 32 + da, src + sa, len);
      void *r = memcpy(dst + 32 + da, src + sa, len);
      bad += r != dst + 32 + da;
      bad += memcmp(dst, expect, SIZE) != 0;
      calls++;
    }
  }
  /* The full 16x16 alignment grid at lengths around vector boundaries. */
  static const size_t lens[] = {0, 1, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 128, 255,
      300};
  for (size_t li = 0; li < sizeof lens / sizeof lens[0]; li++) {
    for (size_t sa = 0; sa < 16; sa++) {
      for (size_t da = 0; da < 16; da++) {
        memcpy(dst, pattern, SIZE);
        memcpy(dst + 32 + da, src + sa, lens[li]);
        h = fnv1a(dst + 24 + da, lens[li] + 16, h);
        calls++;
      }
    }
  }
  /* memmove with overlap in both directions, against a byte-wise reference. */
  unsigned char tmp[SIZE];
  for (size_t len = 0; len <= 300; len += 3) {
    for (int delta = -17; delta <= 17; delta += 2) {
      memcpy(dst, pattern, SIZE);
      memcpy(expect, pattern, SIZE);
      size_t from = 48, to = (size_t)(48 + delta);
      model_copy(tmp, expect + from, len);
      model_copy(expect + to, tmp, len);
      void *r = memmove(dst + to, dst + from, len);
      bad += r != dst + to;
      bad += memcmp(expect, dst, SIZE) != 0;
      calls++;
    }
  }
  printf("calls %lu wrong %d grid hash %016llx\n", calls, bad, (unsigned long long)h);
  return bad ? 1 : 0;
}
