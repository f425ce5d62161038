/* An unhandled SIGSEGV (NULL write) kills the process: status 139, and earlier flushed output survives. */
#include <stdio.h>

int main(void) {
  printf("about to write through NULL\n");
  fflush(stdout);
  *(volatile int *)0 = 1;
  printf("not reached\n");
  return 0;
}
