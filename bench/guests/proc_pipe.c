/* Pipe throughput between two processes: the parent writes MiB mebibytes in 64 KiB chunks, the child reads and counts; timed inside the guest. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CHUNK 65536

static double now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e9 + t.tv_nsec;
}

int main(int argc, char **argv) {
  long mib = argc > 1 ? atol(argv[1]) : 256;
  long total = mib * 1048576L;
  int data[2], back[2];
  if (pipe(data) < 0 || pipe(back) < 0) {
    perror("pipe");
    return 1;
  }
  pid_t pid = fork();
  if (pid < 0) {
    perror("fork");
    return 1;
  }
  if (pid == 0) {
    close(data[1]);
    close(back[0]);
    static char buffer[CHUNK];
    long count = 0;
    if (write(back[1], &count, sizeof count) != sizeof count) _exit(2); /* started */
    for (;;) {
      ssize_t n = read(data[0], buffer, sizeof buffer);
      if (n <= 0) break;
      count += n;
    }
    if (write(back[1], &count, sizeof count) != sizeof count) _exit(2);
    _exit(0);
  }
  close(data[0]);
  close(back[1]);
  long count = -1;
  /* The clock starts once the child runs, so process start-up is not counted. */
  if (read(back[0], &count, sizeof count) != sizeof count) {
    fprintf(stderr, "child did not start\n");
    return 1;
  }
  static char chunk[CHUNK];
  memset(chunk, 'p', sizeof chunk);
  double start = now_ns();
  for (long sent = 0; sent < total;) {
    ssize_t n = write(data[1], chunk, sizeof chunk);
    if (n <= 0) {
      perror("write");
      return 1;
    }
    sent += n;
  }
  close(data[1]);
  if (read(back[0], &count, sizeof count) != sizeof count || count != total) {
    fprintf(stderr, "child counted %ld of %ld bytes\n", count, total);
    return 1;
  }
  double elapsed = now_ns() - start;
  int status;
  waitpid(pid, &status, 0);
  printf("bytes=%ld ns=%.0f mb_per_s=%.1f\n", total, elapsed, total / 1e6 / (elapsed / 1e9));
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
