/* Dense switches (jump tables), sparse switches (compare trees), fallthrough, and computed goto. */
#include <stdio.h>

static int dense(int x) {
  switch (x) {
    case 0: return 11;
    case 1: return 22;
    case 2: return 35;
    case 3: return 47;
    case 4: return 51;
    case 5: return 68;
    case 6: return 72;
    case 7: return 89;
    case 8: return 93;
    case 9: return 104;
    case 10: return 117;
    case 11: return 121;
    default: return -1;
  }
}

static const char *sparse(long x) {
  switch (x) {
    case -1000000: return "minus million";
    case -7: return "minus seven";
    case 3: return "three";
    case 100: return "hundred";
    case 4096: return "page";
    case 65537: return "f4";
    case 1L << 40: return "tera";
    default: return "other";
  }
}

static int fallthrough(int x) {
  int acc = 0;
  switch (x) {
    case 0: acc += 1; /* fall through */
    case 1: acc += 10; /* fall through */
    case 2: acc += 100; break;
    case 3: acc += 1000; /* fall through */
    default: acc += 10000;
  }
  return acc;
}

static int interpret(const unsigned char *code) {
  static void *labels[] = {&&op_halt, &&op_inc, &&op_dbl, &&op_dec, &&op_jnz};
  int acc = 0, pc = 0;
#define NEXT goto *labels[code[pc++]]
  NEXT;
op_inc:
  acc++;
  NEXT;
op_dbl:
  acc *= 2;
  NEXT;
op_dec:
  acc--;
  NEXT;
op_jnz:
  if (acc % 7) pc = code[pc];
  else pc++;
  NEXT;
op_halt:
  return acc;
#undef NEXT
}

int main(void) {
  for (volatile int i = -2; i < 15; i++) printf("dense(%d)=%d fall(%d)=%d\n", i, dense(i), i,
      fallthrough(i));
  const long probes[] = {-1000000, -7, 0, 3, 100, 101, 4096, 65537, 1L << 40, (1L << 40) + 1};
  for (unsigned i = 0; i < sizeof probes / sizeof probes[0]; i++) printf("sparse(%ld)=%s\n",
      probes[i], sparse(probes[i]));
  const unsigned char program[] = {1, 2, 1, 2, 3, 4, 1, 2, 0};
  printf("computed goto result %d\n", interpret(program));
  long sum = 0;
  for (int i = 0; i < 10000; i++) sum += dense(i % 13) * (i & 3);
  printf("sum %ld\n", sum);
  return 12;
}
