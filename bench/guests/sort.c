// CPU benchmark: sorting 400k pseudo-random integers with qsort and an insertion-merge sort.
#include <stdio.h>
#include <stdlib.h>
#define N 100000
static int v[N], w[N];
static int cmp(const void *a, const void *b) { int x = *(const int *)a, y = *(const int *)b; return (x > y) - (x < y); }
static void msort(int *a, int *t, int n) {
  if (n <= 16) {
    for (int i = 1; i < n; i++) { int x = a[i], j = i - 1; while (j >= 0 && a[j] > x) { a[j + 1] = a[j]; j--; } a[j + 1] = x; }
    return;
  }
  int h = n / 2; msort(a, t, h); msort(a + h, t, n - h);
  int i = 0, j = h, k = 0;
  while (i < h && j < n) t[k++] = a[i] <= a[j] ? a[i++] : a[j++];
  while (i < h) t[k++] = a[i++];
  while (j < n) t[k++] = a[j++];
  for (i = 0; i < n; i++) a[i] = t[i];
}
int main(void) {
  unsigned s = 12345;
  for (int i = 0; i < N; i++) { s = s * 1103515245u + 12345u; v[i] = (int)(s >> 1); w[i] = v[i]; }
  qsort(v, N, sizeof v[0], cmp);
  msort(w, (int *)malloc(N * sizeof(int)), N);
  long long check = 0;
  for (int i = 0; i < N; i += 997) check += (long long)v[i] - w[i] + (v[i] & 0xff);
  printf("%lld %d %d\n", check, v[0], w[N - 1]);
  return 0;
}
