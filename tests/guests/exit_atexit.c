/* atexit handlers run in reverse order on exit(), stdio buffers are flushed, and the exit status is kept. */
#include <stdio.h>
#include <stdlib.h>

static void first(void) { printf("handler registered first runs last\n"); }
static void second(void) { printf("handler registered second\n"); }
static void third(void) {
  printf("handler registered third runs first\n");
  fflush(stdout);
}

int main(void) {
  atexit(first);
  atexit(second);
  atexit(third);
  setvbuf(stdout, NULL, _IOFBF, 1 << 16);
  printf("buffered output before exit");
  printf(" (still buffered)\n");
  exit(42);
}
