/* qsort of ints, strings and structs (stability-independent keys) and bsearch over the results. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "guest.h"

struct rec {
  int key;
  char name[12];
  double weight;
};

static int cmp_int(const void *a, const void *b) {
  int x = *(const int *)a, y = *(const int *)b;
  return (x > y) - (x < y);
}
static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a,
    *(char *const *)b); }
static int cmp_rec(const void *a, const void *b) {
  const struct rec *x = a, *y = b;
  if (x->key != y->key) return (x->key > y->key) - (x->key < y->key);
  return strcmp(x->name, y->name);
}

int main(void) {
  static int ints[3000];
  for (int i = 0; i < 3000; i++) ints[i] = (int)(rng() % 100000) - 50000;
  qsort(ints, 3000, sizeof ints[0], cmp_int);
  int sorted = 1;
  for (int i = 1; i < 3000; i++) sorted &= ints[i - 1] <= ints[i];
  printf("ints sorted %d first %d last %d median %d\n", sorted, ints[0], ints[2999], ints[1500]);
  int found = 0;
  for (int k = -50000; k < 50000; k += 997) found += bsearch(&k, ints, 3000, sizeof ints[0],
      cmp_int) != NULL;
  printf("bsearch hits %d\n", found);

  static char storage[500][16];
  char *strs[500];
  for (int i = 0; i < 500; i++) {
    uint64_t r = rng();
    int len = 1 + (int)(r % 10);
    for (int k = 0; k < len; k++) storage[i][k] = (char)('a' + (r >> (8 + k * 4)) % 6);
    storage[i][len] = 0;
    strs[i] = storage[i];
  }
  qsort(strs, 500, sizeof strs[0], cmp_str);
  for (int i = 0; i < 500; i += 25) printf("%s ", strs[i]);
  printf("\n");

  static struct rec recs[400];
  for (int i = 0; i < 400; i++) {
    recs[i].key = (int)(rng() % 50);
    snprintf(recs[i].name, sizeof recs[i].name, "n%04d", (int)(rng() % 10000));
    recs[i].weight = i * 0.5;
  }
  qsort(recs, 400, sizeof recs[0], cmp_rec);
  for (int i = 0; i < 400; i += 20) printf("%d:%s ", recs[i].key, recs[i].name);
  printf("\n");
  qsort(ints, 0, sizeof ints[0], cmp_int);
  qsort(ints, 1, sizeof ints[0], cmp_int);
  return 4;
}
