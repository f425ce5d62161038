/* Order between closing a pipe and writing another: a reader that got bytes written after a writer closed its end of a second pipe finds that pipe at end of file at once (poll says POLLHUP, a nonblocking read returns 0), in every round. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>

#include "mp.h"

#define ROUNDS 60

int main(void) {
  mp_watchdog();
  int early = 0;
  for (int k = 0; k < ROUNDS; k++) {
    int closed[2], data[2];
    if (pipe2(closed, O_NONBLOCK) < 0) fail("pipe2");
    make_pipe(data);
    pid_t child = mp_fork();
    if (child == 0) {
      close(closed[0]);
      close(data[0]);
      close(closed[1]); /* the last write end of `closed` */
      write_all(data[1], "x", 1);
      _exit(0);
    }
    close(closed[1]);
    close(data[1]);
    await_byte(data[0]);
    struct pollfd pfd = {.fd = closed[0], .events = POLLIN};
    int ready = poll(&pfd, 1, 0);
    char c;
    ssize_t n = read(closed[0], &c, 1);
    if (ready != 1 || !(pfd.revents & POLLHUP) || n != 0) early++;
    close(closed[0]);
    close(data[0]);
    reap(child);
  }
  say("%d rounds, %d saw the closed pipe still open\n", ROUNDS, early);
  return 0;
}
