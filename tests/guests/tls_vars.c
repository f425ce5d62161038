/* Thread-local storage in the main thread: initialised and zeroed __thread variables, arrays, and errno. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

static __thread int counter = 41;
static __thread long zeroed;
static __thread char name[16] = "tls-initial";
static __thread double table[8] = {1.5, 2.5};
__thread uint64_t exported = 0x1122334455667788ULL;

static __attribute__((noinline)) void bump(void) {
  counter++;
  zeroed += 3;
  name[0] = 'T';
  table[7] = table[0] + table[1];
  exported ^= 0xff;
}

int main(void) {
  printf("initial %d %ld %s %g %g %g %llx\n", counter, zeroed, name, table[0], table[1], table[7],
         (unsigned long long)exported);
  for (int i = 0; i < 5; i++) bump();
  printf("after %d %ld %s %g %llx\n", counter, zeroed, name, table[7],
      (unsigned long long)exported);
  int *a = &counter, *b = &counter;
  printf("address stable %d\n", a == b);
  errno = 0;
  close(-1);
  int saved = errno;
  printf("errno is per-thread storage, value EBADF %d\n", saved == EBADF);
  return 0;
}
