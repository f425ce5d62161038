/* File descriptors within one process: pipe, dup/dup2/dup3, fcntl flags, O_NONBLOCK EAGAIN, EOF and EPIPE. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "guest.h"

int main(void) {
  signal(SIGPIPE, SIG_IGN);
  int p[2];
  int r = pipe(p);
  printf("pipe %d distinct %d\n", r, p[0] != p[1]);
  printf("write %zd\n", write(p[1], "hello pipe", 10));
  char buf[64] = {0};
  printf("read %zd [%.*s]\n", read(p[0], buf, 5), 5, buf);
  int d = dup(p[0]);
  printf("dup read %zd [%.5s]\n", read(d, buf, sizeof buf), buf);
  int fl = fcntl(p[0], F_GETFL);
  printf("accmode rdonly %d nonblock %d\n", (fl & O_ACCMODE) == O_RDONLY, (fl & O_NONBLOCK) != 0);
  fcntl(p[0], F_SETFL, fl | O_NONBLOCK);
  errno = 0;
  ssize_t n = read(p[0], buf, 1);
  printf("empty nonblocking read %zd %s\n", n, errno_name(errno));
  printf("shared flag via dup %d\n", (fcntl(d, F_GETFL) & O_NONBLOCK) != 0);
  printf("cloexec before %d\n", fcntl(d, F_GETFD));
  fcntl(d, F_SETFD, FD_CLOEXEC);
  printf("cloexec after %d\n", fcntl(d, F_GETFD));
  int d2 = dup2(p[1], 50);
  printf("dup2 -> %d write %zd\n", d2, write(50, "via50", 5));
  int d3 = dup3(p[1], 51, O_CLOEXEC);
  printf("dup3 -> %d fd flags %d\n", d3, fcntl(51, F_GETFD));
  int d4 = fcntl(p[1], F_DUPFD, 60);
  printf("F_DUPFD >= 60: %d\n", d4);
  printf("read %zd [%.5s]\n", read(p[0], buf, sizeof buf), buf);
  close(p[1]);
  close(50);
  close(51);
  close(d4);
  fcntl(p[0], F_SETFL, fl);
  printf("eof read %zd\n", read(p[0], buf, 1));
  close(p[0]);
  close(d);
  pipe(p);
  close(p[0]);
  errno = 0;
  n = write(p[1], "x", 1);
  printf("write no reader %zd %s\n", n, errno_name(errno));
  close(p[1]);
  errno = 0;
  r = dup2(999, 5);
  printf("dup2 bad %d %s\n", r, errno_name(errno));
  printf("lowest fd reuse %d\n", dup(0) == p[0]);
  /* A pipe holds at least 64 KiB; fill it without blocking and count. */
  pipe(p);
  fcntl(p[1], F_SETFL, O_NONBLOCK);
  static char chunk[4096];
  long total = 0;
  ssize_t w;
  while ((w = write(p[1], chunk, sizeof chunk)) > 0) total += w;
  printf("filled at least 64KiB %d then %s\n", total >= 65536, errno_name(errno));
  return 0;
}
