// CPU benchmark: double-precision matrix multiply, 160x160, repeated.
#include <stdio.h>
#define N 160
static double a[N][N], b[N][N], c[N][N];
int main(void) {
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) { a[i][j] = (i * 7 + j * 3) % 17 / 8.0; b[i][j] = (i * 5 + j) % 13 / 4.0; }
  double sum = 0;
  for (int rep = 0; rep < 24; rep++) {
    for (int i = 0; i < N; i++)
      for (int j = 0; j < N; j++) {
        double s = 0;
        for (int k = 0; k < N; k++) s += a[i][k] * b[k][j];
        c[i][j] = s;
      }
    sum += c[rep % N][N - 1 - rep % N];
    a[rep % N][rep % N] += 1.0;
  }
  printf("%.6f\n", sum);
  return 0;
}
