/* Exactly 1,048,576 bytes of a known pattern through a pipe from parent to child, checksummed by the child. */
#define _GNU_SOURCE
#include "mp.h"

#define TOTAL 1048576L

static unsigned char pattern(long i) { return (unsigned char)(i * 131 + (i >> 9) * 7 + 13); }

int main(void) {
  mp_watchdog();
  int p[2];
  make_pipe(p);
  pid_t child = mp_fork();
  if (child == 0) {
    close(p[1]);
    /* An odd buffer size, so reads never line up with the writer's chunks. */
    static unsigned char buffer[4093];
    long received = 0, mismatches = 0, reads = 0;
    uint64_t hash = FNV_START;
    for (;;) {
      ssize_t n = read(p[0], buffer, sizeof buffer);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) fail("read");
      if (n == 0) break;
      reads++;
      for (ssize_t k = 0; k < n; k++)
        if (buffer[k] != pattern(received + k)) mismatches++;
      hash = fnv1a(buffer, (size_t)n, hash);
      received += n;
    }
    say("child: received %ld bytes, fnv1a %016llx, pattern mismatches %ld, more than one read %s\n",
        received, (unsigned long long)hash, mismatches, yes_no(reads > 1));
    _exit(received == TOTAL && mismatches == 0 ? 0 : 1);
  }
  close(p[0]);
  static unsigned char data[TOTAL];
  for (long i = 0; i < TOTAL; i++) data[i] = pattern(i);
  /* Chunks of varied sizes: tiny, page-sized, larger than a pipe's default capacity. */
  static const long chunks[] = {1, 100, 4096, 65536, 70001, 512, 131072, 3};
  long sent = 0;
  for (int k = 0; sent < TOTAL; k = (k + 1) % 8) {
    long n = chunks[k];
    if (n > TOTAL - sent) n = TOTAL - sent;
    write_all(p[1], data + sent, (size_t)n);
    sent += n;
  }
  close(p[1]);
  const char *how = reap(child);
  say("parent: wrote %ld bytes, fnv1a %016llx\n", sent,
      (unsigned long long)fnv1a(data, TOTAL, FNV_START));
  say("child %s\n", how);
  return 0;
}
