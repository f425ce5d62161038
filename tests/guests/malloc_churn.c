/* malloc/calloc/realloc/free churn with pseudo-random sizes; every block's contents are verified. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "guest.h"

#define SLOTS 256

static unsigned char *blocks[SLOTS];
static size_t sizes[SLOTS];
static unsigned char tags[SLOTS];

static int verify(int i) {
  for (size_t k = 0; k < sizes[i]; k++)
    if (blocks[i][k] != (unsigned char)(tags[i] + k)) return 1;
  return 0;
}

int main(void) {
  int bad = 0;
  unsigned long ops = 0;
  for (int round = 0; round < 2500; round++) {
    int i = (int)(rng() % SLOTS);
    uint64_t r = rng();
    size_t size = (r & 15) == 0 ? (size_t)(r >> 8) % 20000 : (size_t)(r >> 8) % 300;
    if (blocks[i] && (r & 16)) {
      bad += verify(i);
      size_t old = sizes[i];
      unsigned char *p = realloc(blocks[i], size + 1);
      if (!p) return 3;
      blocks[i] = p;
      for (size_t k = 0; k < old && k <= size; k++) bad += p[k] != (unsigned char)(tags[i] + k);
      sizes[i] = size;
      for (size_t k = 0; k < size; k++) p[k] = (unsigned char)(tags[i] + k);
    } else if (blocks[i]) {
      bad += verify(i);
      free(blocks[i]);
      blocks[i] = NULL;
    } else {
      int zeroed = (r & 32) != 0;
      blocks[i] = zeroed ? calloc(size + 1, 1) : malloc(size + 1);
      if (!blocks[i]) return 3;
      if (zeroed)
        for (size_t k = 0; k <= size; k++) bad += blocks[i][k] != 0;
      sizes[i] = size;
      tags[i] = (unsigned char)r;
      for (size_t k = 0; k < size; k++) blocks[i][k] = (unsigned char)(tags[i] + k);
    }
    ops++;
  }
  size_t live = 0;
  for (int i = 0; i < SLOTS; i++) {
    if (blocks[i]) {
      bad += verify(i);
      live += sizes[i];
      free(blocks[i]);
    }
  }
  void *big = malloc(3 << 20);
  if (!big) return 3;
  memset(big, 0x5a, 3 << 20);
  bad += ((unsigned char *)big)[(3 << 20) - 1] != 0x5a;
  free(big);
  printf("ops %lu live bytes %zu bad %d\n", ops, live, bad);
  return bad ? 1 : 0;
}
