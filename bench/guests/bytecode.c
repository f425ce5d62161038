// CPU benchmark: a small stack-machine bytecode interpreter running a counting loop.
#include <stdio.h>
enum { PUSH, ADD, SUB, DUP, JNZ, SWAP, MUL3, HALT, DROP, OVER };
static const int prog[] = {
  PUSH, 6000000, PUSH, 0,        /* counter, acc */
  /* 4: */ SWAP, PUSH, 1, SUB, DUP, JNZ, 13, HALT, 0,
  /* 13: */ SWAP, MUL3, OVER, ADD, PUSH, 4, JNZ, 4,
};
int main(void) {
  long stack[64]; int sp = 0, pc = 0; long steps = 0;
  for (;;) {
    steps++;
    switch (prog[pc]) {
      case PUSH: stack[sp++] = prog[pc + 1]; pc += 2; break;
      case ADD: sp--; stack[sp - 1] += stack[sp]; pc++; break;
      case SUB: sp--; stack[sp - 1] -= stack[sp]; pc++; break;
      case DUP: stack[sp] = stack[sp - 1]; sp++; pc++; break;
      case SWAP: { long t = stack[sp - 1]; stack[sp - 1] = stack[sp - 2]; stack[sp - 2] = t; pc++; break; }
      case MUL3: stack[sp - 1] = (stack[sp - 1] * 3) & 0xffffff; pc++; break;
      case OVER: stack[sp] = stack[sp - 2]; sp++; pc++; break;
      case DROP: sp--; pc++; break;
      case JNZ: { long v = stack[--sp]; pc = v ? prog[pc + 1] : pc + 2; break; }
      case HALT: printf("%ld %ld\n", stack[sp - 1], steps); return 0;
    }
  }
}
