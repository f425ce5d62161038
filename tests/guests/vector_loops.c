/* Loops the compiler vectorises with SSE2 at -O2: sums, dot products, min/max, byte transforms, reversals. */
#include <stdint.h>
#include <stdio.h>
#include "guest.h"

#define N 1003

static int32_t ia[N], ib[N], ic[N];
static float fa[N], fb[N];
static double da[N];
static uint8_t bytes[N], out[N];
static int16_t shorts[N];

int main(void) {
  for (int i = 0; i < N; i++) {
    uint64_t r = rng();
    ia[i] = (int32_t)r;
    ib[i] = (int32_t)(r >> 32) % 1000;
    fa[i] = (float)(int32_t)(r >> 11) / 1e6f;
    fb[i] = (float)(i % 17) - 8.0f;
    da[i] = (double)(int64_t)r / 1e12;
    bytes[i] = (uint8_t)(r >> 5);
    shorts[i] = (int16_t)(r >> 17);
  }
  for (int pass = 0; pass < 3; pass++) {
    int64_t sum = 0;
    int32_t mn = INT32_MAX, mx = INT32_MIN;
    for (int i = 0; i < N; i++) {
      ic[i] = ia[i] + ib[i] * 3;
      sum += ic[i];
      mn = ic[i] < mn ? ic[i] : mn;
      mx = ic[i] > mx ? ic[i] : mx;
    }
    float dot = 0;
    for (int i = 0; i < N; i++) dot += fa[i] * fb[i];
    double dsum = 0;
    for (int i = 0; i < N; i++) dsum += da[i] * da[i];
    for (int i = 0; i < N; i++)
      out[i] = (uint8_t)(bytes[i] > 128 ? bytes[i] - 128 : 255 - bytes[i]);
    for (int i = 0; i < N; i++) bytes[i] = (uint8_t)(bytes[i] ^ out[N - 1 - i]);
    int32_t ssum = 0;
    for (int i = 0; i < N; i++) ssum += shorts[i] * shorts[(i + 1) % N];
    uint32_t cnt = 0;
    for (int i = 0; i < N; i++) cnt += (uint32_t)(ia[i] > ib[i]);
    for (int i = 0; i < N; i++) ia[i] = (ia[i] >> 1) ^ ib[i];
    printf("pass %d sum %lld min %d max %d dot %a dsum %a bytes %016llx ssum %d cnt %u\n", pass,
        (long long)sum,
           mn, mx, (double)dot, dsum, (unsigned long long)fnv1a(out, N, FNV_START), ssum, cnt);
  }
  return 0;
}
