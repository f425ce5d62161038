/* Nonblocking pipe ends between processes: read gives EAGAIN, poll with timeout 0 versus data ready, POLLHUP once the writer closes, POLLOUT on a full pipe, POLLERR with no reader. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include "mp.h"

static const char *events_text(short events) {
  static char text[64];
  text[0] = 0;
  if (events & POLLIN) strcat(text, "IN ");
  if (events & POLLOUT) strcat(text, "OUT ");
  if (events & POLLHUP) strcat(text, "HUP ");
  if (events & POLLERR) strcat(text, "ERR ");
  if (events & POLLNVAL) strcat(text, "NVAL ");
  if (!text[0]) strcat(text, "none ");
  text[strlen(text) - 1] = 0;
  return text;
}

static void show_poll(const char *label, int fd, short events, int timeout_ms) {
  struct pollfd pfd = {fd, events, 0};
  int r = poll(&pfd, 1, timeout_ms);
  say("%s: poll %d, revents %s\n", label, r, events_text(pfd.revents));
}

int main(void) {
  mp_watchdog();
  /* Reading side: the parent reads without blocking from a child that writes on request. */
  int p[2], step[2];
  make_pipe(p);
  make_pipe(step);
  pid_t writer = mp_fork();
  if (writer == 0) {
    close(p[0]);
    close(step[1]);
    await_byte(step[0]);
    write_all(p[1], "hello", 5);
    await_byte(step[0]);
    _exit(0); /* closes the write end */
  }
  close(p[1]);
  close(step[0]);
  fcntl(p[0], F_SETFL, fcntl(p[0], F_GETFL) | O_NONBLOCK);
  char buffer[16];
  errno = 0;
  ssize_t n = read(p[0], buffer, sizeof buffer);
  say("empty, writer alive: read %d %s\n", (int)n, errno_name(errno));
  show_poll("empty, timeout 0", p[0], POLLIN, 0);
  send_byte(step[1]);
  show_poll("after the child wrote, timeout 10 s", p[0], POLLIN, 10000);
  n = read(p[0], buffer, sizeof buffer);
  say("read %d [%.*s]\n", (int)n, (int)(n > 0 ? n : 0), buffer);
  errno = 0;
  n = read(p[0], buffer, sizeof buffer);
  say("drained: read %d %s\n", (int)n, errno_name(errno));
  show_poll("drained, timeout 0", p[0], POLLIN, 0);
  send_byte(step[1]);
  say("writer %s\n", reap(writer));
  show_poll("writer closed", p[0], POLLIN, 10000);
  n = read(p[0], buffer, sizeof buffer);
  say("writer closed: read %d\n", (int)n);
  close(p[0]);
  close(step[1]);

  /* Writing side: the parent fills a pipe without blocking; a child drains it. */
  int q[2], count[2];
  make_pipe(q);
  make_pipe(count);
  make_pipe(step);
  pid_t reader = mp_fork();
  if (reader == 0) {
    close(q[1]);
    close(count[0]);
    close(step[1]);
    await_byte(step[0]);
    static char sink[8192];
    long total = 0;
    for (;;) {
      ssize_t k = read(q[0], sink, sizeof sink);
      if (k < 0 && errno == EINTR) continue;
      if (k <= 0) break;
      total += k;
    }
    write_all(count[1], &total, sizeof total);
    _exit(0);
  }
  close(q[0]);
  close(count[1]);
  close(step[0]);
  fcntl(q[1], F_SETFL, fcntl(q[1], F_GETFL) | O_NONBLOCK);
  show_poll("empty pipe, write end", q[1], POLLOUT, 0);
  static char chunk[1024];
  memset(chunk, 'f', sizeof chunk);
  long filled = 0;
  for (;;) {
    n = write(q[1], chunk, sizeof chunk);
    if (n < 0) break;
    filled += n;
  }
  say("filled until %s, at least 4096 bytes %s\n", errno_name(errno), yes_no(filled >= 4096));
  show_poll("full pipe, timeout 0", q[1], POLLOUT, 0);
  send_byte(step[1]);
  show_poll("reader draining, timeout 10 s", q[1], POLLOUT, 10000);
  close(q[1]);
  long drained = 0;
  read_full(count[0], &drained, sizeof drained);
  say("the reader counted every byte written %s\n", yes_no(drained == filled));
  say("reader %s\n", reap(reader));

  /* A write end whose reader is gone polls as an error. */
  make_pipe(q);
  pid_t gone = mp_fork();
  if (gone == 0) _exit(0);
  close(q[0]);
  reap(gone);
  show_poll("no reader", q[1], POLLOUT, 0);
  return 0;
}
