/* setjmp/longjmp across several frames: return values, volatile locals preserved, longjmp(env, 0) gives 1. */
#include <setjmp.h>
#include <stdio.h>

static jmp_buf env;
static int depth_reached;

static void dive(int depth, int target) {
  char pad[64];
  pad[depth % 64] = (char)depth;
  depth_reached = depth + pad[depth % 64] * 0;
  if (depth == target) longjmp(env, target == 0 ? 0 : target * 10);
  if (depth < 100000) dive(depth + 1, target);
}

static int nested_level(jmp_buf outer) {
  jmp_buf inner;
  int r = setjmp(inner);
  if (r == 0) longjmp(inner, 7);
  if (r == 7) longjmp(outer, 8);
  return -1;
}

int main(void) {
  volatile int counter = 0;
  for (volatile int target = 0; target < 6; target++) {
    int r = setjmp(env);
    if (r == 0) {
      counter++;
      dive(0, target * 40);
    } else {
      printf("target %d: setjmp returned %d after depth %d counter %d\n", target * 40, r,
          depth_reached,
             counter);
    }
  }
  jmp_buf outer;
  int r = setjmp(outer);
  if (r == 0) nested_level(outer);
  printf("nested: outer got %d\n", r);
  /* longjmp(env, 0) must make setjmp return 1. */
  volatile int tries = 0;
  r = setjmp(env);
  tries++;
  if (tries == 1) longjmp(env, 0);
  printf("zero value returns %d tries %d\n", r, tries);
  return 6;
}
