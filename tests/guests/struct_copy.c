/* Struct copies: assignment, pass and return by value (small in registers, large in memory), arrays in structs. */
#include <stdio.h>
#include <string.h>

struct small {
  int a;
  short b;
  char c;
};
struct mixed {
  double x;
  long y;
};
struct floats {
  float f[4];
};
struct big {
  char name[40];
  long values[20];
  double weight;
};

static struct small make_small(int i) { return (struct small){i, (short)(i * 3),
    (char)('a' + i % 26)}; }
static struct mixed swap_mixed(struct mixed m) { return (struct mixed){(double)m.y, (long)m.x}; }
static struct floats scale(struct floats f, float k) {
  for (int i = 0; i < 4; i++) f.f[i] *= k;
  return f;
}
static struct big grow(struct big b, int delta) {
  for (int i = 0; i < 20; i++) b.values[i] += delta * i;
  b.weight *= 1.5;
  strcat(b.name, "+");
  return b;
}

int main(void) {
  struct small s = make_small(7), t = s;
  t.a++;
  printf("small %d %d %c copy %d\n", s.a, s.b, s.c, t.a);
  struct mixed m = swap_mixed((struct mixed){2.5, 9});
  printf("mixed %g %ld\n", m.x, m.y);
  struct floats f = scale((struct floats){{1, 2, 3, 4.5f}}, 2.5f);
  printf("floats %g %g %g %g\n", f.f[0], f.f[1], f.f[2], f.f[3]);
  struct big b;
  memset(&b, 0, sizeof b);
  strcpy(b.name, "base");
  for (int i = 0; i < 20; i++) b.values[i] = i * i;
  b.weight = 2;
  struct big c = grow(grow(b, 1), 2);
  printf("big orig %s %ld %g new %s %ld %ld %g\n", b.name, b.values[19], b.weight, c.name,
      c.values[0], c.values[19],
         c.weight);
  struct big arr[3];
  for (int i = 0; i < 3; i++) arr[i] = grow(b, i);
  struct big tmp = arr[0];
  arr[0] = arr[2];
  arr[2] = tmp;
  printf("swapped %ld %ld\n", arr[0].values[5], arr[2].values[5]);
  return 0;
}
