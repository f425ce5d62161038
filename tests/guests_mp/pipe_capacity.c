/* A pipe between processes at its capacity: a full pipe blocks its writer until the reader frees room, a nonblocking writer fills exactly the capacity, bytes written before a message on another pipe are there when it arrives, EPIPE once the reader closes with bytes unread, several writers across forks, and a blocked read interrupted by a signal losing nothing. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>

#include "mp.h"

static void on_usr1(int sig) { (void)sig; }

/* The writer fills the pipe and blocks on one byte more until the reader takes a page. */
static void slow_reader(void) {
  int p[2], status[2];
  make_pipe(p);
  make_pipe(status);
  pid_t writer = mp_fork();
  if (writer == 0) {
    close(p[0]);
    close(status[0]);
    static char block[65536];
    memset(block, 'a', sizeof block);
    write_all(p[1], block, sizeof block);
    send_byte(status[1]); /* the pipe is full */
    write_all(p[1], "b", 1);
    send_byte(status[1]); /* the byte more went in */
    _exit(0);
  }
  close(p[1]);
  close(status[1]);
  await_byte(status[0]);
  sleep_ms(300);
  struct pollfd pfd = {status[0], POLLIN, 0};
  say("writer still blocked on a full pipe: %s\n", yes_no(poll(&pfd, 1, 0) == 0));
  static char page[4096];
  say("read a page: %d\n", (int)read_full(p[0], page, sizeof page));
  say("then the writer finished: %s\n", yes_no(await_byte(status[0])));
  long rest = 0;
  static char buffer[65536];
  for (;;) {
    ssize_t n = read(p[0], buffer, sizeof buffer);
    if (n <= 0) break;
    rest += n;
  }
  say("bytes after the page: %ld\n", rest);
  say("writer %s\n", reap(writer));
  close(p[0]);
  close(status[0]);
}

/* A nonblocking writer in another process fills exactly the capacity, then gets EAGAIN. */
static void nonblocking_fill(void) {
  int p[2], status[2];
  make_pipe(p);
  make_pipe(status);
  pid_t writer = mp_fork();
  if (writer == 0) {
    close(p[0]);
    close(status[0]);
    fcntl(p[1], F_SETFL, O_NONBLOCK);
    static char chunk[1024];
    memset(chunk, 'n', sizeof chunk);
    long total = 0;
    ssize_t n;
    while ((n = write(p[1], chunk, sizeof chunk)) > 0) total += n;
    int error = errno;
    struct pollfd pfd = {p[1], POLLOUT, 0};
    int ready = poll(&pfd, 1, 0);
    write_all(status[1], &total, sizeof total);
    write_all(status[1], &error, sizeof error);
    write_all(status[1], &ready, sizeof ready);
    _exit(0);
  }
  close(p[1]);
  close(status[1]);
  long total = 0;
  int error = 0, ready = -1;
  read_full(status[0], &total, sizeof total);
  read_full(status[0], &error, sizeof error);
  read_full(status[0], &ready, sizeof ready);
  int queued = -1;
  ioctl(p[0], FIONREAD, &queued);
  say("nonblocking writer filled %ld bytes, then %s; poll for POLLOUT gave %d\n", total,
      errno_name(error), ready);
  say("FIONREAD in the reader: %d\n", queued);
  say("writer %s\n", reap(writer));
  close(p[0]);
  close(status[0]);
}

/* Bytes written just before a note on another pipe are readable when the note arrives; the
   reader then closes with bytes unread, and the writer's next write fails with EPIPE. */
static void epipe_with_bytes_unread(void) {
  int p[2], note[2], go[2];
  make_pipe(p);
  make_pipe(note);
  make_pipe(go);
  pid_t writer = mp_fork();
  if (writer == 0) {
    signal(SIGPIPE, SIG_IGN);
    close(p[0]);
    close(note[0]);
    close(go[1]);
    static char data[3000];
    memset(data, 'e', sizeof data);
    write_all(p[1], data, sizeof data);
    send_byte(note[1]);
    await_byte(go[0]); /* end of file: the reader has closed its end */
    errno = 0;
    ssize_t n = write(p[1], "late", 4);
    say("writer: write after the reader closed: %d %s\n", (int)n, errno_name(errno));
    _exit(0);
  }
  close(p[1]);
  close(note[1]);
  close(go[0]);
  await_byte(note[0]);
  int queued = -1;
  ioctl(p[0], FIONREAD, &queued);
  struct pollfd pfd = {p[0], POLLIN, 0};
  int ready = poll(&pfd, 1, 0);
  say("after the note: FIONREAD %d, poll %d\n", queued, ready);
  char some[100];
  say("read %d of them, then close\n", (int)read(p[0], some, sizeof some));
  close(p[0]);
  close(go[1]);
  say("writer %s\n", reap(writer));
  close(note[0]);
}

/* The parent writes, forks two writers, writes again: the reader counts every byte. */
static void writers_across_forks(void) {
  int p[2];
  make_pipe(p);
  pid_t reader = mp_fork();
  if (reader == 0) {
    close(p[1]);
    static char buffer[65536];
    long total = 0;
    ssize_t n;
    while ((n = read(p[0], buffer, sizeof buffer)) > 0) total += n;
    say("reader counted %ld bytes\n", total);
    _exit(0);
  }
  close(p[0]);
  static char chunk[50000];
  memset(chunk, 'w', sizeof chunk);
  write_all(p[1], chunk, 10000);
  pid_t writers[2];
  for (int k = 0; k < 2; k++) {
    writers[k] = mp_fork();
    if (writers[k] == 0) {
      for (int round = 0; round < 4; round++) write_all(p[1], chunk, sizeof chunk);
      _exit(0);
    }
  }
  for (int round = 0; round < 2; round++) write_all(p[1], chunk, sizeof chunk);
  for (int k = 0; k < 2; k++) say("writer %d %s\n", k, reap(writers[k]));
  close(p[1]);
  say("reader %s\n", reap(reader));
}

/* A read blocked on an empty pipe returns EINTR for a signal without SA_RESTART; the bytes
   written afterwards are all read. */
static void interrupted_read(void) {
  int p[2], ack[2];
  make_pipe(p);
  make_pipe(ack);
  struct sigaction sa; /* installed before the fork: the first signal may come at once */
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_usr1;
  sigaction(SIGUSR1, &sa, NULL);
  pid_t reader = mp_fork();
  if (reader == 0) {
    close(p[1]);
    close(ack[0]);
    char text[16];
    ssize_t n = read(p[0], text, sizeof text);
    int error = errno;
    send_byte(ack[1]);
    say("reader: first read %d %s\n", (int)n, errno_name(n < 0 ? error : 0));
    size_t got = read_full(p[0], text, 5);
    say("reader: then read %d bytes '%.*s'\n", (int)got, (int)got, text);
    _exit(0);
  }
  close(p[0]);
  close(ack[1]);
  /* Signal until the reader says its read was interrupted (the first may come before it blocks). */
  struct pollfd pfd = {ack[0], POLLIN, 0};
  do kill(reader, SIGUSR1);
  while (poll(&pfd, 1, 50) == 0);
  await_byte(ack[0]);
  write_all(p[1], "hello", 5);
  close(p[1]);
  say("reader %s\n", reap(reader));
  close(ack[0]);
}

int main(void) {
  mp_watchdog();
  slow_reader();
  nonblocking_fill();
  epipe_with_bytes_unread();
  writers_across_forks();
  interrupted_read();
  return 0;
}
