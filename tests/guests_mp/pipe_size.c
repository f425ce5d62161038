/* F_GETPIPE_SZ and F_SETPIPE_SZ on a pipe, and FIONREAD counting bytes another process wrote. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/ioctl.h>
#include "mp.h"

static int queued(int fd) {
  int n = -1;
  if (ioctl(fd, FIONREAD, &n) < 0) fail("ioctl FIONREAD");
  return n;
}

int main(void) {
  mp_watchdog();
  int p[2];
  make_pipe(p);
  int size = fcntl(p[0], F_GETPIPE_SZ);
  say("F_GETPIPE_SZ >= 4096 %s, same on both ends %s\n", yes_no(size >= 4096),
      yes_no(fcntl(p[1], F_GETPIPE_SZ) == size));
  say("FIONREAD on an empty pipe: %d\n", queued(p[0]));

  pid_t writer = mp_fork();
  if (writer == 0) {
    close(p[0]);
    static char data[1000];
    memset(data, 'w', sizeof data);
    write_all(p[1], data, sizeof data);
    write_all(p[1], data, 234);
    _exit(0);
  }
  close(p[1]);
  say("writer %s\n", reap(writer));
  say("FIONREAD after the child wrote: %d\n", queued(p[0]));
  static char buffer[2000];
  say("read %d\n", (int)read_full(p[0], buffer, 300));
  say("FIONREAD after reading 300: %d\n", queued(p[0]));
  say("read to end of file %d\n", (int)read_full(p[0], buffer, sizeof buffer));
  say("FIONREAD at end of file: %d\n", queued(p[0]));
  close(p[0]);

  make_pipe(p);
  int set = fcntl(p[1], F_SETPIPE_SZ, 131072);
  say("F_SETPIPE_SZ 131072 returns >= 131072 %s, F_GETPIPE_SZ agrees %s\n", yes_no(set >= 131072),
      yes_no(fcntl(p[0], F_GETPIPE_SZ) == set));
  /* The enlarged pipe takes 100000 bytes from a child without a reader draining it. */
  writer = mp_fork();
  if (writer == 0) {
    close(p[0]);
    static char big[100000];
    memset(big, 'b', sizeof big);
    write_all(p[1], big, sizeof big);
    _exit(0);
  }
  close(p[1]);
  say("writer of 100000 bytes %s\n", reap(writer));
  say("FIONREAD: %d\n", queued(p[0]));
  return 0;
}
